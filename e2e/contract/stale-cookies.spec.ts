// A stale cookie beside the fresh one (protocol §4.1, protocol §4.2): a visitor on www.shop.test who holds
// a host-only `affitor_click_id` (an older setup, a cookie-domain change, a server that re-issued it
// host-only) beside the script's `.shop.test` one. The browser sends both under one name, without
// their domains; Express's `req.cookies` (cookie-parser) and the integration guide's
// `req.cookies.affitor_click_id` take the first. So:
// - when the script writes its cookies, the same-named copies of the other scopes are expired;
// - `refreshAffitorCookies` never leaves a second copy beside the one it writes;
// - where two are sent anyway (a pair from before, not yet rewritten), the shared reader — the
//   script's and every server helper's — takes the script's copy.
// Real Chromium, a real three-label host on both kinds of origin (plain http www.shop.test; the
// secure origin www.shop.localhost), a real Express app with cookie-parser as the merchant.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import cookieParser from 'cookie-parser';
import { test, expect, BOTH_ORIGINS, type BrowserContext, type Page } from '../support/fixtures';
import { expectApiCalls } from '../support/events';
import { readCore, readTracker } from '../support/pages-server';
import type { ApiServer } from '../support/api-server';
import { clickIdFromRequest, clickIdsFromCookieHeader, refreshAffitorCookies } from '../../src/server/index';
import { withAffitorCheckout } from '../../src/stripe/index';

const NAMES = ['affitor_click_id', 'customer_code', 'affitor_aff_url', 'affitor_click_ids'];

/** What the merchant's readers made of one request. */
interface Seen {
  /** Express + cookie-parser, as the integration guide reads it. */
  express: string | undefined;
  /** Our server helper. */
  helper: string | null;
  history: string[];
  /** The Stripe Checkout helper's metadata, fed by our helper. */
  checkout: Record<string, unknown>;
}

interface Merchant {
  url(path: string): string;
  close(): Promise<void>;
}

/** The merchant's Express app on `www.<site>:PORT`; `site` is `shop.test` or `shop.localhost`. */
async function startMerchant(api: ApiServer, site: string): Promise<Merchant> {
  const app = express();
  app.use(cookieParser());
  const page = `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title><link rel="icon" href="data:,">
<script src="/tracker.js" data-affitor-program-id="1" data-affitor-api-base="${api.origin}"></script>
</head><body><h1>Shop</h1></body></html>`;
  const html = (res: express.Response, body = page) => res.set('Cache-Control', 'no-store').type('html').send(body);
  app.get('/tracker.js', (_req, res) => void res.set('Cache-Control', 'no-store').type('text/javascript').send(readTracker()));
  // What the tracker loads from beside itself (two copies of a cookie are the core's to tell apart).
  app.get('/affitor-tracker.core.js', (_req, res) => void res.set('Cache-Control', 'no-store').type('text/javascript').send(readCore()));
  app.get('/', (_req, res) => html(res));
  // A server writing host-only copies with an older id, as an older setup did.
  app.get('/stale', (req, res) => {
    const host = req.hostname;
    res.append('Set-Cookie', [
      'affitor_click_id=cust_OLD; path=/; SameSite=Lax',
      'customer_code=cust_OLD; path=/; SameSite=Lax',
      'affitor_click_ids=cust_OLD; path=/; SameSite=Lax',
      `affitor_aff_url=${encodeURIComponent(`http://${host}/?aff=OLD`)}; path=/; SameSite=Lax`,
    ]);
    html(res, '<!doctype html><title>stale</title>');
  });
  // The pair as the script left it before it expired other scopes: its click after the stale copy.
  app.get('/script-copy', (_req, res) => {
    res.append('Set-Cookie', [
      `affitor_click_id=cust_NEW; path=/; SameSite=Lax; domain=.${site}`,
      `affitor_click_ids=cust_OLD%7Ccust_NEW; path=/; SameSite=Lax; domain=.${site}`,
    ]);
    html(res, '<!doctype html><title>script copy</title>');
  });
  // The Safari recipe: with the script's domain, and misconfigured without it (host-only).
  app.get('/refresh', (req, res) => html(refreshAffitorCookies(req, res, { domain: `.${site}` }), '<!doctype html><title>r</title>'));
  app.get('/refresh-host-only', (req, res) => html(refreshAffitorCookies(req, res), '<!doctype html><title>r</title>'));
  app.get('/checkout', (req, res) => {
    const clickId = clickIdFromRequest(req);
    const seen: Seen = {
      express: (req.cookies as Record<string, string>).affitor_click_id,
      helper: clickId,
      history: clickIdsFromCookieHeader(req.headers.cookie),
      checkout: withAffitorCheckout({ mode: 'payment', metadata: {} as Record<string, string> }, { clickId, programId: 1 }).metadata,
    };
    res.json(seen);
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path) => `http://www.${site}:${port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `name=value@domain` of every attribution cookie the browser holds ('' domain = host-only). */
async function copies(context: BrowserContext): Promise<string[]> {
  return (await context.cookies())
    .filter((c) => NAMES.includes(c.name))
    .map((c) => `${c.name}=${decodeURIComponent(c.value)}@${c.domain.startsWith('.') ? c.domain : ''}`)
    .sort();
}

/** The merchant's readers, asked by the page itself: the browser sends its real Cookie header. */
const checkout = (page: Page): Promise<Seen> => page.evaluate(() => fetch('/checkout').then((r) => r.json()));

const SITES = { 'plain http': 'shop.test', 'secure origin': 'shop.localhost' } as const;

for (const [origin] of BOTH_ORIGINS) {
  const site = SITES[origin];
  const domain = `.${site}`;

  test.describe(`${origin} (www.${site})`, () => {
    const withMerchant = test.extend<{ merchant: Merchant }>({
      merchant: async ({ api }, use) => {
        const merchant = await startMerchant(api, site);
        await use(merchant);
        await merchant.close();
      },
    });

    withMerchant('a new partner\'s click expires the stale host-only copies: Express, our helper and Checkout read the new id', async ({ page, api, merchant }) => {
      await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(merchant.url('/?aff=P1')) });
      await expect.poll(() => copies(page.context())).toContain(`affitor_click_id=cust_1_1@${domain}`);
      await page.goto(merchant.url('/stale'));
      // The premise: two copies of each name, the stale host-only one among them.
      expect(await copies(page.context())).toContain('affitor_click_id=cust_OLD@');
      expect((await copies(page.context())).filter((c) => c.startsWith('affitor_click_id='))).toHaveLength(2);

      await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(merchant.url('/?aff=P2')) });
      const p2 = merchant.url('/?aff=P2');
      await expect.poll(() => copies(page.context())).toEqual([
        `affitor_aff_url=${p2}@${domain}`,
        `affitor_click_id=cust_1_2@${domain}`,
        `affitor_click_ids=cust_1_1|cust_1_2@${domain}`,
        `customer_code=cust_1_2@${domain}`,
      ]);
      const seen = await checkout(page);
      expect(seen).toEqual({
        express: 'cust_1_2',
        helper: 'cust_1_2',
        history: ['cust_1_1', 'cust_1_2'],
        checkout: { affitor_click_id: 'cust_1_2', program_id: '1' },
      });
      await page.goto(merchant.url('/'));
      expect(await page.evaluate(() => (window as any).affitor.getClickId())).toBe('cust_1_2');
    });

    withMerchant('a pair not yet rewritten: the script and the server helpers read the script\'s copy, in either order', async ({ page, api, merchant }) => {
      for (const order of [['/stale', '/script-copy'], ['/script-copy', '/stale']]) {
        await page.context().clearCookies();
        for (const path of order) await page.goto(merchant.url(path));
        expect((await copies(page.context())).filter((c) => c.startsWith('affitor_click_id='))).toEqual([
          `affitor_click_id=cust_NEW@${domain}`,
          'affitor_click_id=cust_OLD@',
        ]);
        const seen = await checkout(page);
        expect({ helper: seen.helper, history: seen.history, checkout: seen.checkout }, order.join(' then ')).toEqual({
          helper: 'cust_NEW',
          history: ['cust_OLD', 'cust_NEW'],
          checkout: { affitor_click_id: 'cust_NEW', program_id: '1' },
        });
        await page.goto(merchant.url('/'));
        expect(await page.evaluate(() => [(window as any).affitor.getClickId(), (window as any).affitor.getClickIds()])).toEqual([
          'cust_NEW',
          ['cust_OLD', 'cust_NEW'],
        ]);
        const [lead] = await expectApiCalls(api, {
          endpoint: 'lead',
          count: 1,
          action: () => page.evaluate(() => (window as any).affitor.signup('user_' + Date.now())),
        });
        expect([lead.body.click_id, lead.body.click_ids]).toEqual(['cust_NEW', ['cust_OLD', 'cust_NEW']]);
      }
    });

    withMerchant('refreshAffitorCookies never leaves a pair: right domain, wrong (host-only) domain, and over a pair', async ({ page, api, merchant }) => {
      await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(merchant.url('/?aff=P1')) });
      const p1 = merchant.url('/?aff=P1');
      const script = [
        `affitor_aff_url=${p1}@${domain}`,
        `affitor_click_id=cust_1_1@${domain}`,
        `affitor_click_ids=cust_1_1@${domain}`,
        `customer_code=cust_1_1@${domain}`,
      ];
      await expect.poll(() => copies(page.context())).toEqual(script);
      await page.goto(merchant.url('/refresh'));
      expect(await copies(page.context())).toEqual(script);
      // Misconfigured without the domain: the script's copies are replaced, not doubled.
      await page.goto(merchant.url('/refresh-host-only'));
      expect(await copies(page.context())).toEqual(script.map((c) => c.replace(`@${domain}`, '@')));
      await page.goto(merchant.url('/refresh'));
      expect(await copies(page.context())).toEqual(script);
      // Over a pair, the script's copy is the one kept.
      await page.goto(merchant.url('/stale'));
      await page.goto(merchant.url('/refresh'));
      expect((await copies(page.context())).filter((c) => c.startsWith('affitor_click_id='))).toEqual([`affitor_click_id=cust_1_1@${domain}`]);
      const seen = await checkout(page);
      expect([seen.express, seen.helper]).toEqual(['cust_1_1', 'cust_1_1']);
    });
  });
}
