// Small helpers for specs about the tracker: seeding cookies as an earlier visit left them,
// reading window.affitor, checking cookie lifetimes.
import { expect, type BrowserContext, type Cookie, type Page } from '@playwright/test';

export const DAY_S = 86_400;

/**
 * Cookies as an earlier visit of the tracker left them: on the registrable domain the probe picks
 * (`.shop.test` for shop.test), path /. Seeding them host-only instead would leave two cookies of
 * one name once the tracker writes its domain cookie.
 */
export async function seedCookies(context: BrowserContext, origin: string, cookies: Record<string, string>) {
  const domain = '.' + new URL(origin).hostname.split('.').slice(-2).join('.');
  await context.addCookies(
    Object.entries(cookies).map(([name, value]) => ({ name, value, domain, path: '/', sameSite: 'Lax' as const })),
  );
}

export interface AffitorData {
  clickId: string | null;
  programId: number | null;
  hasAttribution: boolean;
  affiliateUrl: string | null;
}

export const getData = (page: Page) => page.evaluate(() => (window as any).affitor.getData() as AffitorData);

/** Resolves with the data passed to `window.affitor.ready(cb)`. */
export const readyData = (page: Page) =>
  page.evaluate(() => new Promise<AffitorData>((resolve) => (window as any).affitor.ready(resolve)));

/** Waits until the tracker has published `window.affitor`. */
export const trackerLoaded = (page: Page) => page.waitForFunction(() => !!(window as any).affitor);

/** Asserts a cookie's expiry is `days` from now, give or take 10 minutes. */
export function expectLifetimeDays(cookie: Cookie | undefined, days: number) {
  expect(cookie, 'cookie present').toBeTruthy();
  const expected = Date.now() / 1000 + days * DAY_S;
  expect(Math.abs(cookie!.expires - expected), `expires ${cookie!.expires} vs now+${days}d`).toBeLessThan(600);
}

/** Every cookie value (raw and decoded) joined, to prove something is NOT stored in a cookie. */
export async function allCookieText(context: BrowserContext): Promise<string> {
  const cookies = await context.cookies();
  return cookies.map((c) => `${c.name}=${c.value} ${safeDecode(c.value)}`).join('\n');
}

function safeDecode(v: string) {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

/** The tracker's cookie names of protocol §4.1. */
export const ATTRIBUTION_COOKIES = ['affitor_click_id', 'customer_code', 'affitor_aff_url', 'affitor_click_ids'];

/** Makes `document.cookie` in this context behave as when the user blocks cookies (reads '', writes ignored). */
export async function blockCookies(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setDocumentCookieDisabled', { disabled: true });
}
