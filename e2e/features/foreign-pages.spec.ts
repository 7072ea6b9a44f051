// Pages we do not control (protocol §6 containment, §3.3 and §3.6 bodies): the host's own libraries
// patch what the tracker relies on — serialisation helpers old libraries add to built-in
// prototypes, `JSON.stringify` replaced, `Promise` replaced by zone.js (Angular), `fetch` wrapped
// by monitoring tools. On each such page, for the script tag and for the ESM entry bundled into
// an app, on both origins: a landing's click and a signup's lead reach the API with exactly the
// protocol's bodies, and nothing throws into the page (the fixture fails a test on any page error).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test, expect, BOTH_ORIGINS, type Page, type Shop } from '../support/fixtures';
import type { ApiServer } from '../support/api-server';
import { bundleApp } from '../support/bundle';
import { startSandbox } from '../../src/sandbox/server';
import { clickBody, deviceFields, expectApiCalls, leadBody } from '../support/events';

/** zone.js as an Angular app's polyfills load it: the real package, before the app. */
const ZONE_JS = readFileSync(resolve(process.cwd(), 'node_modules/zone.js/bundles/zone.umd.js'), 'utf8');

interface ForeignPage {
  /** Served at /foreign.js and loaded in <head> before the tracker or the app. */
  script: string;
  /** Runs the app's `init` inside what the page provides (Angular runs app code in its zone). */
  wrapInit?: (init: string) => string;
}

const PAGES: Record<string, ForeignPage> = {
  'Prototype.js-style serialisation helpers: a toJSON on arrays that returns a string, enumerable Object.prototype methods': {
    script: `
      Array.prototype.toJSON = function () {
        var parts = [];
        for (var i = 0; i < this.length; i++) parts.push(JSON.stringify(this[i]));
        return '[' + parts.join(', ') + ']';
      };
      String.prototype.toJSON = function () { return String(this); };
      Object.prototype.inspect = function () { return '#<Object>'; };
      Object.prototype.toQueryString = function () { return ''; };`,
  },
  'JSON.stringify replaced by a cycle-safe shim that delegates': {
    script: `
      (function () {
        var native = JSON.stringify;
        JSON.stringify = function (value, replacer, space) {
          var seen = [];
          return native(value, function (key, v) {
            if (typeof replacer === 'function') v = replacer.call(this, key, v);
            if (v && typeof v === 'object') {
              if (seen.indexOf(v) >= 0) return '[Circular]';
              seen.push(v);
            }
            return v;
          }, space);
        };
      })();`,
  },
  'zone.js (Promise, timers, fetch and events patched), the app started inside a zone': {
    script: ZONE_JS,
    wrapInit: (init) => `Zone.current.fork({ name: 'angular' }).run(function () { ${init} });`,
  },
  'fetch wrapped by a monitoring tool that reads the request and a clone of the answer': {
    script: `
      (function () {
        var native = window.fetch;
        window.__monitored = [];
        window.fetch = function (input, init) {
          var started = Date.now();
          var sent = init && init.body;
          return native.apply(this, arguments).then(function (response) {
            response.clone().text().then(function (text) {
              window.__monitored.push({ url: String(input), sent: sent, status: response.status, took: Date.now() - started, answer: text });
            });
            return response;
          });
        };
      })();`,
  },
  'fetch wrapped by a tool that answers with its own Response': {
    script: `
      (function () {
        var native = window.fetch;
        window.fetch = function (input, init) {
          return native(input, init).then(function (response) {
            return response.text().then(function (text) {
              return new Response(text, { status: response.status, statusText: response.statusText, headers: response.headers });
            });
          });
        };
      })();`,
  },
};

type Entry = 'script tag' | 'ESM entry';

/** The landing page on `host`: the foreign script first, then the tag or the bundled app. */
async function foreignPage(shop: Shop, api: Pick<ApiServer, 'origin'>, host: string, entry: Entry, foreign: ForeignPage, aff = 'P1'): Promise<string> {
  shop.serve('/foreign.js', { body: foreign.script, contentType: 'text/javascript' });
  const head = '<script src="/foreign.js"></script>';
  if (entry === 'script tag') {
    shop.page('/l', { head, tag: { apiBase: api.origin } });
  } else {
    const init = `lib.init({ programId: 1, apiBase: ${JSON.stringify(api.origin)} });`;
    const app = `import * as lib from 'affitor-tracker'; window.lib = lib; ${foreign.wrapInit ? foreign.wrapInit(init) : init}`;
    shop.serve('/app.js', { body: await bundleApp(app), contentType: 'text/javascript' });
    shop.page('/l', { head, tag: false, body: '<script src="/app.js"></script>' });
  }
  return shop.url(`/l?aff=${aff}`, host);
}

const signup = (page: Page) =>
  page.evaluate(() => (window as unknown as { affitor: { signup(k: string, e: string): Promise<unknown> } }).affitor.signup('user_1', 'ann@example.com'));

for (const [origin, host] of BOTH_ORIGINS) {
  for (const entry of ['script tag', 'ESM entry'] as const) {
    test.describe(`${origin}, ${entry}:`, () => {
      for (const [name, foreign] of Object.entries(PAGES)) {
        test(`${name}: the exact click and lead bodies, no page error`, async ({ page, api, shop }) => {
          const landing = await foreignPage(shop, api, host, entry, foreign);
          const [click] = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(landing) });
          expect(click.body).toEqual(clickBody(await deviceFields(page), { affiliate_url: landing }));
          expect(click.rawBody).toBe(JSON.stringify(click.body));
          await expect.poll(() => page.evaluate(() => (window as unknown as { affitor: { getClickId(): string | null } }).affitor.getClickId())).toBe('cust_1_1');

          let resolved: unknown = 'pending';
          const [lead] = await expectApiCalls(api, {
            endpoint: 'lead',
            count: 1,
            action: async () => {
              resolved = await signup(page);
            },
          });
          expect(resolved).toBeUndefined();
          expect(lead.body).toEqual(
            leadBody({
              customer_key: 'user_1',
              email: 'ann@example.com',
              click_id: 'cust_1_1',
              click_ids: ['cust_1_1'],
              page_url: landing,
              program_id: 1,
              has_attribution: true,
              session_id: click.body.session_id,
            }),
          );
          expect(lead.rawBody).toBe(JSON.stringify(lead.body));
        });
      }
    });
  }
}

// A monitoring tool that reads the answer itself (`response.json()`) and hands on the response it
// used up: the tracker's own read throws "body stream already read". The click was taken by the
// API, but its click id cannot be read from that answer.
const BODY_USING_FETCH: ForeignPage = {
  script: `
    (function () {
      var native = window.fetch;
      window.__seenAnswers = [];
      window.fetch = function (input, init) {
        return native.apply(this, arguments).then(function (response) {
          return response.json().then(
            function (answer) { window.__seenAnswers.push(answer); return response; },
            function () { return response; }
          );
        });
      };
    })();`,
};

interface SandboxState {
  partners: Array<{ code: string; clicks: number; leads: number }>;
  customers: Array<{ click_id: string; partner_code: string; lead_at: string | null; customer_key: string | null }>;
}

for (const [origin, host] of BOTH_ORIGINS) {
  for (const entry of ['script tag', 'ESM entry'] as const) {
    test(`${origin}, ${entry}: fetch wrapped by a tool that reads the answer before the tracker — one click and one lead, attributed (the local sandbox counts)`, async ({ page, shop }) => {
      const sandbox = await startSandbox({ port: 0, db: ':memory:' });
      try {
        const landing = await foreignPage(shop, { origin: `http://localhost:${sandbox.port}` }, host, entry, BODY_USING_FETCH, 'PARTNER_A');
        await page.goto(landing);
        const clickId = await page.evaluate(() => new Promise((done) => (window as any).affitor.ready((data: { clickId: string | null }) => done(data.clickId))));
        expect(clickId).toMatch(/^cust_/);
        expect(await signup(page)).toBeUndefined();
        const state = (await (await fetch(`${sandbox.url}/sandbox/state`)).json()) as SandboxState;
        expect(state.partners.find((p) => p.code === 'PARTNER_A')).toMatchObject({ clicks: 1, leads: 1 });
        expect(state.customers).toHaveLength(1);
        expect(state.customers[0]).toMatchObject({ click_id: clickId, partner_code: 'PARTNER_A', customer_key: 'user_1', lead_at: expect.anything() });
        // The tool saw the answers it wrapped, the tracker's included.
        expect(await page.evaluate(() => (window as any).__seenAnswers.length)).toBeGreaterThan(0);
      } finally {
        await sandbox.close();
      }
    });
  }
}
