// The click body's `timezone` (docs/protocol.md §3.3) comes from `Temporal.Now.timeZoneId()` where
// the browser has it — a fraction of a millisecond, where the first Intl time-zone lookup of a page
// costs 10–40 ms — and from Intl elsewhere; the wire value is the same IANA name either way.
import { test, expect } from '../support/fixtures';
import { expectApiCalls } from '../support/events';

const ZONE = 'Europe/Berlin';
test.use({ timezoneId: ZONE });

/** Counts the page's calls of `Intl.DateTimeFormat` (the expensive source). */
const countIntl = () => {
  const w = window as unknown as { __intlCalls: number };
  w.__intlCalls = 0;
  const Real = Intl.DateTimeFormat;
  Intl.DateTimeFormat = function (this: unknown, ...args: ConstructorParameters<typeof Intl.DateTimeFormat>) {
    w.__intlCalls++;
    return new Real(...args);
  } as typeof Intl.DateTimeFormat;
};

test('with Temporal: the landing click carries the time zone, and Intl is never asked', async ({ page, api, shop }) => {
  await page.addInitScript(countIntl);
  const [click] = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.page('/l') + '?aff=P1') });
  expect(await page.evaluate(() => typeof (window as unknown as { Temporal?: unknown }).Temporal)).toBe('object');
  expect(click.body.timezone).toBe(ZONE);
  expect(await page.evaluate(() => (window as unknown as { __intlCalls: number }).__intlCalls)).toBe(0);
});

test('without Temporal (older browsers): Intl gives the same value on the wire', async ({ page, api, shop }) => {
  await page.addInitScript(() => delete (window as unknown as { Temporal?: unknown }).Temporal);
  await page.addInitScript(countIntl);
  const [click] = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.page('/l') + '?aff=P1') });
  expect(click.body.timezone).toBe(ZONE);
  expect(await page.evaluate(() => (window as unknown as { __intlCalls: number }).__intlCalls)).toBe(1);
});
