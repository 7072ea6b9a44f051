// The live event console: reads /sandbox/state, listens to /sandbox/events (server-sent events) and
// re-reads the state after each event, without reloading. Untrusted values only go through textContent.
(function () {
  'use strict';
  var FEED_MAX = 300;
  var state = null;
  var refreshTimer = null;

  var $ = sandboxById;
  var el = sandboxElement;
  function row(cells, attrs) {
    var tr = el('tr', null, attrs);
    cells.forEach(function (c) {
      var td = el('td');
      if (c instanceof Node) td.appendChild(c); else td.textContent = c == null ? '' : String(c);
      tr.appendChild(td);
    });
    return tr;
  }
  function money(cents) { return '$' + (cents / 100).toFixed(2); }
  function time(ms) { return new Date(ms).toLocaleTimeString(); }
  function dateTime(ms) { return new Date(ms).toLocaleString(); }
  function badge(text, kind) { return el('span', text, { class: 'badge ' + (kind || '') }); }

  function api(method, path, body) {
    return fetch(path, {
      method: method,
      headers: body ? { 'Content-Type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    }).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) throw new Error(data.error || r.statusText);
        return data;
      });
    });
  }

  function renderPartners() {
    var body = $('partners').tBodies[0];
    body.textContent = '';
    state.partners.forEach(function (p) {
      var status = el('select', null, { 'aria-label': 'status of ' + p.code });
      ['active', 'inactive', 'misconfigured'].forEach(function (s) {
        var o = el('option', s);
        if (s === p.status) o.selected = true;
        status.appendChild(o);
      });
      status.addEventListener('change', function () {
        api('POST', '/sandbox/partners', { code: p.code, status: status.value }).then(scheduleRefresh, alertError);
      });
      var net = p.commission_cents - p.reversed_cents;
      var cells = [p.code, p.name, p.program_id === state.program.id ? status : 'program ' + p.program_id,
        p.clicks, p.customers, p.leads, p.sales, money(p.revenue_cents), money(p.commission_cents),
        money(p.reversed_cents), money(net)];
      body.appendChild(row(cells, { 'data-partner': p.code }));
    });
  }

  function journey(c) {
    var wrap = el('span', null, { class: 'journey' });
    var steps = [['click', true], ['lead', c.lead_at != null || c.status !== 'click'], ['sale', c.status === 'conversion']];
    steps.forEach(function (s, i) {
      if (i) wrap.appendChild(el('span', '→', { class: 'arrow' }));
      wrap.appendChild(badge(s[0], s[1] ? 'done' : 'todo'));
    });
    if (c.provisional_key) wrap.appendChild(badge('provisional lead: ' + c.provisional_key, 'warn'));
    return wrap;
  }

  function renderJourneys() {
    var body = $('journeys').tBodies[0];
    body.textContent = '';
    state.customers.forEach(function (c) {
      body.appendChild(row([
        c.click_id, c.partner_code, journey(c), c.customer_key || '', c.email_masked || '',
        c.sales_count ? c.sales_count + ' · ' + money(c.revenue_cents) : '', dateTime(c.created_at),
      ], { 'data-click-id': c.click_id, 'data-status': c.status }));
    });
    if (!state.customers.length) body.appendChild(row(['No customers yet: visit the shop through a partner link.']));
  }

  function renderSales() {
    var body = $('sales').tBodies[0];
    body.textContent = '';
    state.sales.forEach(function (s) {
      var notes = el('span');
      if (s.is_test) notes.appendChild(badge('TEST', 'test'));
      (s.flags || []).forEach(function (f) { notes.appendChild(badge(f, 'warn')); });
      body.appendChild(row([
        '#' + s.id, s.transaction_id, s.partner_code || '', money(s.amount_cents) + ' ' + s.currency,
        s.commission_id ? money(s.commission_cents) + (s.reversed_cents ? ' (−' + money(s.reversed_cents) + ')' : '') : '',
        s.commission_status || (s.is_test ? 'test: none' : ''), notes,
      ], { 'data-transaction-id': s.transaction_id }));
    });
  }

  function feedLine(item) {
    var li = el('li', null, { class: 'feed-' + (item.kind === 'admin' ? 'admin' : item.type) });
    li.appendChild(el('time', time(item.at)));
    if (item.kind === 'admin') {
      li.appendChild(badge('sandbox', 'admin'));
    } else {
      li.appendChild(badge(item.type, item.type));
      li.appendChild(badge(String(item.httpStatus), item.httpStatus >= 400 ? 'error' : 'ok'));
      if (item.isTest) li.appendChild(badge('TEST', 'test'));
      if (item.partnerCode) li.appendChild(el('b', item.partnerCode));
      if (item.clickId) li.appendChild(el('code', item.clickId));
    }
    li.appendChild(el('span', item.explanation, { class: 'explanation' }));
    return li;
  }

  function addFeed(item) {
    var feed = $('feed');
    feed.insertBefore(feedLine(item), feed.firstChild);
    while (feed.children.length > FEED_MAX) feed.removeChild(feed.lastChild);
  }

  function renderSettings() {
    var form = $('settings-form');
    if (form.contains(document.activeElement)) return; // don't overwrite what the user is typing
    ['cookie_window_days', 'attribution_window_days', 'commission_type', 'commission_rate', 'commission_fixed_cents', 'lead_auth']
      .forEach(function (k) { form.elements[k].value = state.program[k]; });
  }

  function renderFaults() {
    var entries = Object.keys(state.faults).map(function (k) {
      var f = state.faults[k];
      return k + ': ' + f.mode + (f.mode === 'delay' ? ' ' + f.delayMs + ' ms' : '') + ' × ' + f.count;
    });
    $('faults-active').textContent = entries.length ? entries.join(' · ') : 'none';
  }

  function renderReadiness() {
    var r = state.readiness;
    $('readiness-state').textContent = r.state;
    $('readiness-blocker').textContent = r.blocker || 'none';
    $('readiness-counts').textContent = r.counts_24h.clicks + ' clicks, ' + r.counts_24h.leads + ' leads, ' + r.counts_24h.sales + ' sales';
    var body = $('readiness').tBodies[0];
    body.replaceChildren();
    ['profile', 'economics', 'payout', 'tracking', 'live'].forEach(function (name) {
      var gate = r.gates[name];
      var detail = name === 'live'
        ? 'click ' + gate.test_chain.click + ' · lead ' + gate.test_chain.lead + ' · sale ' + gate.test_chain.sale
        : name === 'payout' ? 'mode ' + gate.mode : gate.detail || '';
      if (gate.next_action) detail += (detail ? ' — ' : '') + gate.next_action;
      body.appendChild(row([name, badge(gate.status, gate.status === 'pass' ? 'ok' : 'warn'), detail], { 'data-gate': name }));
    });
  }

  function render() {
    $('program-id').textContent = state.program.id;
    $('api-key').textContent = state.api_key;
    renderPartners();
    renderJourneys();
    renderSales();
    renderSettings();
    renderFaults();
    renderReadiness();
  }

  function refresh() {
    return api('GET', '/sandbox/state?limit=200').then(function (s) { state = s; render(); return s; });
  }
  function scheduleRefresh() {
    if (refreshTimer) return;
    refreshTimer = setTimeout(function () { refreshTimer = null; refresh().catch(alertError); }, 150);
  }
  function alertError(err) { $('tools-status').textContent = 'Error: ' + err.message; }

  function connect() {
    var source = new EventSource('/sandbox/events');
    source.onopen = function () {
      $('connection').textContent = 'live';
      $('connection').className = 'pill live';
      refresh().catch(alertError);
    };
    source.onerror = function () {
      $('connection').textContent = 'reconnecting…';
      $('connection').className = 'pill';
    };
    source.onmessage = function (e) {
      addFeed(JSON.parse(e.data));
      scheduleRefresh();
    };
  }

  function formValues(form) {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (f) {
      if (!f.name) return;
      out[f.name] = f.type === 'number' ? (f.value === '' ? undefined : Number(f.value)) : f.value;
    });
    return out;
  }

  function init() {
    void refresh().then(function (s) { s.feed.forEach(addFeed); }).catch(alertError).then(connect);

    $('partner-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var v = formValues(e.target);
      api('POST', '/sandbox/partners', { code: v.code, name: v.name || undefined, status: v.status })
        .then(function () { e.target.reset(); scheduleRefresh(); }, alertError);
    });
    $('settings-form').addEventListener('submit', function (e) {
      e.preventDefault();
      api('POST', '/sandbox/program', formValues(e.target)).then(function () {
        $('settings-status').textContent = 'Saved.';
        document.activeElement.blur();
        scheduleRefresh();
      }, function (err) { $('settings-status').textContent = 'Error: ' + err.message; });
    });
    $('fault-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var v = formValues(e.target);
      var config = {};
      config[v.endpoint] = { mode: v.mode, count: v.count, delayMs: v.delayMs };
      api('POST', '/sandbox/faults', config).then(scheduleRefresh, alertError);
    });
    $('faults-clear').addEventListener('click', function () {
      api('POST', '/sandbox/faults', { click: null, lead: null, sale: null, refund: null }).then(scheduleRefresh, alertError);
    });
    $('shift-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var v = formValues(e.target);
      api('POST', '/sandbox/shift', { click_id: v.click_id.trim(), days: v.days }).then(function () {
        $('tools-status').textContent = 'Moved ' + v.click_id + ' ' + v.days + ' days back.';
        scheduleRefresh();
      }, alertError);
    });
    $('reset').addEventListener('click', function () {
      if (!confirm('Delete every customer, event, sale and commission?')) return;
      api('POST', '/sandbox/reset', {}).then(function () { $('feed').textContent = ''; scheduleRefresh(); }, alertError);
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
