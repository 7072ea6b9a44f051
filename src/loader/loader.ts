// The every-page script (dist/affitor-tracker.js). Every byte here ships to every page view, so
// this file holds only what a plain visit needs, and a landing's first move:
// - the tag's settings, `window.affitor` and the queue; getClickId(), getClickIds(), getData() and
//   ready() answered from the cookies; the double-load guard;
// - on a landing (`aff` in the URL, a click needed, nothing unusual): the write-ahead record and the
//   click request, in this first task (under the Web Locks lock where the browser has it);
// - a signup's lead written ahead, in the core's own format, until the core runs the call (so a
//   core that never arrives, or a page left before it does, loses no lead: the next page's core
//   sends it);
// - for everything else — the landing's answer and retries, signups, a record an earlier page left,
//   a legacy cookie, consent, debug mode, an SPA landing, what may be a bot, prerendering — it loads
//   the core (affitor-tracker.core.js, integrity-pinned by the build) from beside itself and hands
//   the page over (src/core/handover.ts). When in doubt, the core decides: correctness lives there.
// Byte tricks are allowed here, and only here (ARCHITECTURE.md).
import type { Handover } from '../core/handover.js';
import { onHistoryChange } from '../core/history.js';
import { PENDING_LEADS_KEY } from '../core/lead.js';
import { toJson } from '../core/transport.js';
import { DEFAULT_API_BASE } from '../shared/constants.js';
import {
  AFF_URL_COOKIE, CLICK_ID_COOKIE, CLICK_IDS_COOKIE, CONSENT_COOKIE, LEGACY_CLICK_ID_COOKIE, PENDING_CLICK_COOKIE, PENDING_LEAD_COOKIE,
} from '../shared/cookies.js';

/** The core's integrity hash, written in by build.mjs. */
declare const AFFITOR_CORE_SRI: string;

type Method = (...args: unknown[]) => unknown;
type Facade = Record<string, unknown>;

const error = (...args: unknown[]) => console.error('[Affitor]', ...args);
/** `document.cookie` with `; ` before each name (so `; name=` finds one), '' where cookies throw. */
const readJar = () => {
  try {
    return '; ' + document.cookie;
  } catch (e) {
    return '';
  }
};
/** The first cookie of that name, percent-decoded (raw where that fails), else null (protocol §4.2). */
const cookie = (jar: string, name: string, value = (jar.split('; ' + name + '=')[1] || '').split(';')[0]) => {
  try {
    return decodeURIComponent(value) || null;
  } catch (e) {
    return value;
  }
};
/** A stored refusal (`affitor_consent` other than 1) stops everything (protocol §6 optOut). */
const allowed = (jar: string, stored = cookie(jar, CONSENT_COOKIE)) => !stored || stored == '1';
/** A one-day cookie of this page (protocol §4.1), under `domain` or host-only. */
const setCookie = (name: string, value: string, domain?: string | null) => {
  document.cookie = name + '=' + value + '; expires=' + new Date(Date.now() + 864e5).toUTCString() + '; path=/; SameSite=Lax' + (domain ? '; domain=' + domain : '') + (location.protocol == 'https:' ? '; Secure' : '');
};
/** The `aff` of a URL (protocol §3.1); a URL that cannot hold one is not parsed (a page's first `new URL` is dear). */
const affOf = (url: string | null) => (url && (url.indexOf('aff') + 1 || url.indexOf('%') + 1) && new URL(url).searchParams.get('aff')) || null;

export function startLoader() {
  try {
    // currentScript is set only while the script runs synchronously, so it is read first.
    const tag = (document.currentScript || document.querySelector('script[data-affitor-program-id],script[data-affitor-program]')) as HTMLScriptElement | null;
    const attr = (name: string) => tag && tag.getAttribute('data-affitor-' + name);
    const debug = String(attr('debug')).trim().toLowerCase() == 'true';
    const existing = window.affitor as Facade | undefined;
    if (existing && existing.getClickId) {
      if (!existing.$affitor) error('another Affitor tracker is already on this page; this copy does nothing');
      else if (debug) console.log('[Affitor]', 'already loaded on this page; this copy does nothing');
    } else start(tag, attr, debug);
  } catch (e) {
    error(e);
  }
}

function start(tag: HTMLScriptElement | null, attr: (name: string) => string | null, debug: boolean) {
  const href = location.href;
  const aff = affOf(href);
  let id: number | null = parseInt((attr('program-id') || attr('program'))!, 10);
  // `n != n`: NaN.
  if (id != id) id = parseInt(window.AFFITOR_PROGRAM_ID as string, 10);
  const programId = id == id ? id : null;
  const domain = attr('cookie-domain');
  const consentMode = attr('consent') != null;
  const prerendering = (document as { prerendering?: boolean }).prerendering;
  const page: Handover = {
    tag,
    session: 'sess_' + (Math.random().toString(36) + '000000000').slice(2, 11) + '_' + Date.now(),
    url: href,
    referrer: document.referrer,
    calls: [],
    leads: [],
  };
  /** 1 once the core is asked for; 2 once it is known not to come. */
  let core = 0;
  /** The landing's URL once this file sent its click: attribution waits for the answer. */
  let landed: string | undefined;
  let lastAff = aff;
  let current = href;
  let coreUrl = '';

  // The first of each name: two same-named click-id cookies (a stale copy) are the core's to tell apart.
  const getClickId = (jar = readJar()) => (allowed(jar) ? cookie(jar, CLICK_ID_COOKIE) || cookie(jar, LEGACY_CLICK_ID_COOKIE) : null);
  // Answered from the cookies until the core takes these over (src/script-core.ts).
  const getData = (jar: string = readJar(), clickId = getClickId(jar)) => ({
    clickId,
    programId,
    hasAttribution: !landed && !!clickId,
    affiliateUrl: landed || (clickId && cookie(jar, AFF_URL_COOKIE)),
  });
  const fire = () => {
    page.fired = true;
    dispatchEvent(new CustomEvent('affitor:ready', { detail: getData() }));
  };

  /** Once the core is known not to come: each waiting call settles with nothing; `ready` still gets its data. */
  const settleWithout = () => {
    page.calls.splice(0).forEach(([method, args, settle]) => {
      settle();
      try {
        if (method == 'ready') (args[0] as Method)(getData());
      } catch (e) {
        error(e);
      }
    });
    if (!page.fired) fire();
  };
  const failed = () => {
    core = 2;
    error('could not load ' + coreUrl + ' (beside affitor-tracker.js? allowed by the CSP?)');
    if (page.release) page.release(0);
    settleWithout();
  };

  const loadCore = () => {
    if (core) return;
    core = 1;
    try {
      coreUrl = new URL('affitor-tracker.core.js', tag!.src).href;
      const script = document.createElement('script') as HTMLScriptElement & { affitor: Handover };
      script.affitor = page;
      script.onerror = failed;
      script.integrity = AFFITOR_CORE_SRI;
      script.crossOrigin = 'anonymous';
      // Under Trusted Types a plain string URL is refused; `affitor` is the policy a site lists.
      const types = (window as { trustedTypes?: { createPolicy(n: string, p: object): { createScriptURL(u: string): string } } }).trustedTypes;
      script.src = types ? types.createPolicy('affitor', { createScriptURL: (url: string) => url }).createScriptURL(coreUrl) : coreUrl;
      document.head.appendChild(script);
    } catch (e) {
      failed();
    }
  };

  /**
   * What a plain visit leaves to the core: a record an earlier page left (a click or a lead), a
   * legacy click id to migrate, two same-named click-id cookies (a stale copy to tell apart,
   * protocol §4.2).
   */
  const unusual = (jar: string) =>
    jar.indexOf('; affitor_pending_') + 1 || (!cookie(jar, CLICK_ID_COOKIE) && cookie(jar, LEGACY_CLICK_ID_COOKIE)) || jar.split('; ' + CLICK_ID_COOKIE + '=').length > 2;

  /** A call for the core: run by it, now or once it arrives, in order; settled at once when it cannot come. */
  const toCore = (method: string, args: unknown[]) =>
    page.core
      ? (page.core as Record<string, Method>)[method](...args)
      : new Promise((settle) => {
        page.calls.push([method, args, settle]);
        if (core > 1) settleWithout();
        else loadCore();
      });

  const facade: Facade = {
    $affitor: 1,
    programId,
    getClickId: () => getClickId(),
    getClickIds: () => {
      const jar = readJar();
      const id = getClickId(jar);
      const ids = (cookie(jar, CLICK_IDS_COOKIE) || '').split('|').filter(Boolean);
      return (id && ids.indexOf(id) < 0 ? ids.concat(id) : ids).slice(-20);
    },
    getData: () => getData(),
    /** Once the page's attribution has settled: at once on a plain visit, else when the core says so. */
    ready: (callback: Method) => {
      setTimeout(() => (core == 1 ? toCore('ready', [callback]) : callback(getData())));
    },
  };
  'init signup trackClick trackLead consent optOut'.split(' ').forEach((method) => {
    facade[method] = (...args: unknown[]) => {
      const data = Object(args[0]);
      const lead = method == 'signup' ? args : method == 'trackLead' && [data.customer_key != null ? data.customer_key : data.user_id, data.email];
      // Written ahead as the core stores a lead that waits for its landing's click (src/core/lead.ts):
      // the next page load's core sends it, with that page's click fields, if this page's core never
      // runs the call (it forgets the copy before it does, handover.ts). Not in consent mode (nothing
      // may be stored yet), nor prerendered (a page nobody saw keeps no lead).
      if (lead && !page.core && !consentMode && !prerendering) {
        try {
          const jar = readJar();
          let key = lead[0];
          key = key === '' || (typeof key != 'string' && !Number.isFinite(key)) ? null : '' + key;
          const body = { customer_key: key, email: lead[1] || null, page_url: location.href, session_id: page.session, program_id: programId, debug_mode: debug };
          const dedupeKey = JSON.stringify([programId, key || [body.email, getClickId(jar)]]);
          const leads = JSON.parse(localStorage.getItem(PENDING_LEADS_KEY)!) || {};
          leads[dedupeKey] = [body, Date.now(), null];
          if (allowed(jar)) {
            localStorage.setItem(PENDING_LEADS_KEY, toJson(leads));
            setCookie(PENDING_LEAD_COOKIE, '1');
            page.leads.push(dedupeKey);
          }
        } catch (e) {
          // Storage blocked: the lead lives as long as this page.
        }
      }
      const result = toCore(method, args);
      // signup, trackClick, trackLead return their promise; init the tracker; consent, optOut nothing.
      return method == 'init' ? facade : method[0] == 's' || method[0] == 't' ? Promise.resolve(result) : undefined;
    };
  });

  // A plain visit's look at the cookies, a task after the tag (its first `document.cookie` read is
  // cheaper then), before any `ready` asked for meanwhile; its ready event unless the core is
  // coming, which sends it.
  setTimeout(() => {
    const jar = readJar();
    if (allowed(jar) && unusual(jar)) loadCore();
    if (!core) fire();
  });

  if (debug || consentMode || programId == null || (domain != null && /[^\w.-]/.test(domain)) || prerendering) {
    // Unusual settings are the core's from the start: debug mode, consent mode, no program id, a
    // cookie domain it may refuse, a prerendered page.
    loadCore();
  } else if (aff) {
    try {
      const jar = readJar();
      const clickId = cookie(jar, CLICK_ID_COOKIE);
      const storedAff = affOf(cookie(jar, AFF_URL_COOKIE));
      // A stored refusal: nothing is sent or stored. The same partner brought the visitor back:
      // nothing to send (protocol §3.2 step 4). What may be a bot (a wider net than src/core/bots.ts):
      // the core withholds its click with a warning, or sends it where the API is the developer's
      // own (loopback) or data-affitor-allow-bots says so.
      if (allowed(jar) && !(clickId && !(storedAff && storedAff != aff))) {
        if (unusual(jar) || navigator.webdriver || /bot|crawl|spider|slurp|headless|lighthouse|facebook/i.test(navigator.userAgent)) loadCore();
        else land(clickId);
      }
    } catch (e) {
      loadCore();
    }
  }

  /**
   * A new visitor or a partner switch (protocol §3.2 step 4): the write-ahead record, then the click,
   * at once — or, where the browser has Web Locks, once this tab holds `affitor_click`, after a fresh
   * look at the cookies: a second tab opened on the same link then finds the first tab's click.
   */
  function land(clickId: string | null) {
    landed = href;
    const fields = (title: string) => ({
      affiliate_url: href,
      page_url: href,
      page_title: title,
      referrer_url: page.referrer,
      session_id: page.session,
      existing_click_id: clickId || undefined,
    });
    const stored = encodeURIComponent(toJson(Object.assign(fields(document.title.slice(0, 200)), { attempts: 0, first_ts: Date.now() })));
    // Under the configured domain, else host-only: the core writes it again under the probed domain
    // (protocol §4.3) with its first attempt, which expires this copy (cookie-jar.ts).
    try {
      if (stored.length <= 3500) setCookie(PENDING_CLICK_COOKIE, stored, domain);
    } catch (e) {}
    const send = () => {
      const response = new Promise<Response>((resolve) => {
        const temporal = (window as { Temporal?: { Now: { timeZoneId(): string } } }).Temporal;
        resolve(
          fetch(new URL(attr('api-base') || DEFAULT_API_BASE, href).href.replace(/\/+$/, '') + '/api/v1/track/click', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: toJson(
              Object.assign(fields(document.title), {
                user_agent: navigator.userAgent,
                language: navigator.language,
                // Temporal where the browser has it: the page's first Intl call is most of a landing's CPU.
                timezone: (temporal ? temporal.Now.timeZoneId() : Intl.DateTimeFormat().resolvedOptions().timeZone) || '',
                screen_resolution: screen.width + 'x' + screen.height,
                viewport_size: innerWidth + 'x' + innerHeight,
              }),
            ),
            keepalive: true,
          }),
        );
      });
      // A missing or throwing fetch (or time zone) is the core's failed attempt to retry, not the page's unhandled rejection.
      response.catch(String);
      page.click = { url: href, session: page.session, response };
    };
    const locks = navigator.locks;
    if (!locks) send();
    else {
      // Resolves once this tab holds the lock and has sent the click or left the landing to the core
      // (the core's continuation runs a microtask later, after send()).
      page.decided = new Promise((decided) => {
        void locks
          .request('affitor_click', () =>
            // `cookieStore` asks the browser's own store: document.cookie may still show this
            // renderer's copy from before another tab's write.
            new Promise<CookieList>((resolve) => resolve(cookieStore.getAll()))
              .then((all) => '; ' + all.map((c) => c.name + '=' + c.value).join('; '), readJar)
              .then((jar, pending = cookie(jar, PENDING_CLICK_COOKIE)) => {
                decided(0);
                // Another tab's click since, or its record in place of ours (it went out first): the core decides.
                if (cookie(jar, CLICK_ID_COOKIE) == clickId && !(pending && pending.indexOf(page.session) < 0)) {
                  send();
                  // Held until the core has settled this click (handover.ts), or is known not to come.
                  return new Promise((release) => (core > 1 ? release(0) : (page.release = release)));
                }
              }),
          )
          // No lock for this page (an opaque origin): the core decides without one.
          .catch(decided);
      });
    }
    loadCore();
  }

  // SPA navigations before the core arrives: a new `aff` is a landing, the core's to handle (protocol §3.5).
  const check = () => {
    const now = location.href;
    const navAff = affOf(now);
    if (!page.core && navAff && navAff != lastAff) {
      lastAff = navAff;
      page.url = now;
      page.referrer = current;
      loadCore();
    }
    current = now;
  };
  onHistoryChange(check);

  window.affitor = facade as unknown as typeof window.affitor;
  let queue = window.affitorQueue;
  if (!Array.isArray(queue)) queue = window.affitorQueue = [];
  const run = (command: unknown[]) => {
    try {
      (facade[command[0] as string] as Method)(...command.slice(1));
    } catch (e) {
      error('Bad command:', command, e);
    }
  };
  while (queue.length) run(queue.shift()!);
  // From now on a push runs at once; nothing is stored, so the length stays 0.
  queue.push = (...commands: unknown[][]) => {
    commands.forEach(run);
    return queue!.length;
  };
}
