// The demo storefront. Plain DOM code; untrusted values only ever go through textContent.
(function () {
  'use strict';
  var KEY_STORAGE = 'sandbox_customer_key';
  var LAST_SALE_STORAGE = 'sandbox_last_transaction_id';
  var AFFITOR_COOKIES = ['affitor_click_id', 'customer_code', 'affitor_aff_url', 'affitor_click_ids', 'affitor_pending_click'];

  var $ = sandboxById;
  var el = sandboxElement;
  function cookie(name) {
    var parts = document.cookie.split(';');
    for (var i = 0; i < parts.length; i++) {
      var pair = parts[i].trim();
      if (pair.indexOf(name + '=') === 0) {
        try { return decodeURIComponent(pair.slice(name.length + 1)); } catch (e) { return pair.slice(name.length + 1); }
      }
    }
    return null;
  }
  // The tracker may have written host-only cookies or cookies on a parent domain: expire every variant.
  function forgetAttribution() {
    var labels = location.hostname.split('.');
    var domains = [''];
    for (var i = 0; i < labels.length - 1; i++) domains.push('; domain=.' + labels.slice(i).join('.'));
    domains.push('; domain=' + location.hostname);
    AFFITOR_COOKIES.forEach(function (name) {
      domains.forEach(function (d) {
        document.cookie = name + '=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/' + d;
      });
    });
    localStorage.removeItem(LAST_SALE_STORAGE);
  }
  function partnerOf(url) {
    try { return new URL(url).searchParams.get('aff'); } catch (e) { return null; }
  }
  function showVisitor() {
    var clickId = (window.affitor && window.affitor.getClickId && window.affitor.getClickId()) || cookie('affitor_click_id');
    var partner = partnerOf(cookie('affitor_aff_url') || '');
    $('visitor').textContent = clickId
      ? 'click id ' + clickId + (partner ? ', referred by ' + partner : '')
      : 'not referred by any partner (no click id)';
  }
  function showResult(id, value) {
    var node = $(id);
    node.hidden = false;
    node.textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  }
  function postJson(path, body) {
    return fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (r) { return r.json().then(function (data) { return { status: r.status, data: data }; }); });
  }

  function renderLinks(state) {
    var list = $('partner-links');
    list.textContent = '';
    var add = function (label, href, code, onClick) {
      var a = el('a', label, { href: href });
      a.setAttribute('data-code', code);
      if (onClick) a.addEventListener('click', onClick);
      var li = el('li');
      li.appendChild(a);
      list.appendChild(li);
    };
    state.partners.forEach(function (p) {
      if (p.program_id !== state.program.id) return;
      var label = p.status === 'active' ? 'Visit as ' + p.name + ' (?aff=' + p.code + ')' : p.status + ' link (?aff=' + p.code + ')';
      add(label, '/?aff=' + encodeURIComponent(p.code), p.code);
    });
    add('An unknown partner code (?aff=NOBODY)', '/?aff=NOBODY', 'NOBODY');
    add('Without a partner (forget my click id)', '/', 'none', function (e) {
      e.preventDefault();
      forgetAttribution();
      location.href = '/';
    });
  }

  function init() {
    if (!window.affitor) $('tracker-missing').hidden = false;
    var keyInput = $('customer-key');
    keyInput.value = localStorage.getItem(KEY_STORAGE) || 'user_' + Math.random().toString(36).slice(2, 8);
    if (localStorage.getItem(LAST_SALE_STORAGE)) $('refund').disabled = false;

    void fetch('/sandbox/state?limit=0').then(function (r) { return r.json(); }).then(function (state) {
      renderLinks(state);
      $('snippet-script').textContent =
        '<script src="' + location.origin + '/js/affitor-tracker.js"\n' +
        '  data-affitor-program-id="' + state.program.id + '"\n' +
        '  data-affitor-api-base="' + location.origin + '"\n' +
        '  data-affitor-debug="true"></script>';
      $('snippet-server').textContent =
        "import { Affitor } from 'affitor-tracker/server';\n" +
        "const affitor = new Affitor({ apiKey: '" + state.api_key + "', apiUrl: '" + location.origin + "' });\n" +
        "await affitor.trackSale({ customerExternalId: user.id, clickId, amount: 4900, invoiceId: order.id });";
    });

    showVisitor();
    // The click answer may land after this script runs; refresh once attribution is settled.
    window.addEventListener('affitor:ready', showVisitor);
    setTimeout(showVisitor, 1500);

    $('signup-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var key = keyInput.value.trim();
      var email = $('email').value.trim() || undefined;
      localStorage.setItem(KEY_STORAGE, key);
      if (!window.affitor) { $('signup-status').textContent = 'The tracker is not loaded.'; return; }
      $('signup-status').textContent = 'Sending the lead…';
      // Step 2 of the integration, exactly as a site does it after creating the account.
      void window.affitor.signup(key, email).then(function () {
        $('signup-status').textContent = 'Signed up as ' + key + '. The lead was sent; the console shows the decision.';
      });
    });

    $('buy').addEventListener('click', function () {
      $('buy').disabled = true;
      void postJson('/demo/checkout', { customer_key: localStorage.getItem(KEY_STORAGE) || undefined, amount_cents: 4900, product_id: 'pro_plan' })
        .then(function (r) {
          var result = r.data.result;
          if (r.status !== 200) return showResult('buy-result', r.data.error || r.data);
          localStorage.setItem(LAST_SALE_STORAGE, r.data.transaction_id);
          $('refund').disabled = false;
          var d = result && result.data;
          var summary = !result.ok ? 'The sale API answered ' + result.status + ': ' + result.error
            : d.attributed === false ? 'Paid, but not attributed: ' + d.reason + ' (' + d.click_age_days + ' > ' + d.window_days + ' days)'
            : 'Paid. Sale #' + d.sale_id + ', commission #' + d.commission_id + '.';
          showResult('buy-result', summary + '\n\n' + JSON.stringify(result, null, 2));
        })
        .catch(function (err) { showResult('buy-result', 'Checkout failed: ' + err); })
        .then(function () { $('buy').disabled = false; });
    });

    providerFlows();

    $('refund').addEventListener('click', function () {
      var transactionId = localStorage.getItem(LAST_SALE_STORAGE);
      if (!transactionId) return;
      void postJson('/demo/refund', { transaction_id: transactionId }).then(function (r) {
        var result = r.data.result;
        var summary = r.status !== 200 ? String(r.data.error)
          : result.ok ? 'Refund recorded: ' + result.data.status : 'The refund API answered ' + result.status + ': ' + result.error;
        showResult('refund-result', summary + '\n\n' + JSON.stringify(result || r.data, null, 2));
      });
    });
  }

  // The simulated provider checkouts: the backend signs each webhook and runs the provider's handler.
  function providerFlows() {
    var last = null;
    function step(name) {
      var provider = $('provider').value;
      if (name === 'sale') last = null;
      var body = { provider: provider, step: name, customer_key: localStorage.getItem(KEY_STORAGE) || undefined };
      if (last) { body.subscription_id = last.subscription_id; body.transaction_id = last.transaction_id; }
      void postJson('/demo/provider', body).then(function (r) {
        if (r.status !== 200) return showResult('provider-result', r.data.error || r.data);
        if (name !== 'refund') last = { provider: provider, subscription_id: r.data.subscription_id, transaction_id: r.data.transaction_id };
        $('provider-renewal').disabled = $('provider-refund').disabled = !last;
        var o = r.data.outcome;
        var summary = o.http_status + ' to ' + provider + ': ' + (o.mapped.action === 'ignore' ? 'ignored (' + o.mapped.reason + ')'
          : o.error ? o.mapped.action + ' not recorded: ' + o.error : o.mapped.action + ' recorded' + (o.duplicate ? ' (duplicate)' : ''));
        showResult('provider-result', summary + '\n\nmapped ' + JSON.stringify(o.mapped, null, 2) + '\n\nwebhook ' + JSON.stringify(r.data.webhook, null, 2) + '\n\nresult ' + JSON.stringify(o.result, null, 2));
      });
    }
    $('provider').addEventListener('change', function () { last = null; $('provider-renewal').disabled = $('provider-refund').disabled = true; });
    ['sale', 'renewal', 'refund'].forEach(function (name) { $('provider-' + name).addEventListener('click', function () { step(name); }); });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
