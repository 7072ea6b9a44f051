// The whole three-step flow through the sandbox in Chromium: the built script on the demo
// storefront (http://shop.test:PORT, mapped to loopback), the demo backend recording sales with
// affitor-tracker/server, and the live console updating without a reload.
import { test as base, expect as baseExpect, type Page } from '@playwright/test';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/server';

interface Fixtures {
  sandbox: RunningSandbox;
  /** http://shop.test:PORT — the storefront's origin (not localhost, as on a real site). */
  shop: string;
  /** The console page, opened before the flow starts and never reloaded. */
  consolePage: Page;
}

// Each test is a multi-page journey with real retries; on a shared 2-core machine it needs more than
// the default budgets.
const expect = baseExpect.configure({ timeout: 15_000 });

const test = base.extend<Fixtures>({
  sandbox: async ({}, use) => {
    // The storefront is opened as http://shop.test:PORT, a host the sandbox must be told to answer.
    const sandbox = await startSandbox({ port: 0, db: ':memory:', allowedHosts: ['shop.test'] });
    await use(sandbox);
    await sandbox.close();
  },
  shop: async ({ sandbox }, use) => {
    await use(`http://shop.test:${sandbox.port}`);
  },
  consolePage: async ({ context, shop }, use) => {
    const consolePage = await context.newPage();
    await consolePage.goto(`${shop}/console`);
    await expect(consolePage.locator('#connection')).toHaveText('live');
    await use(consolePage);
  },
  page: async ({ page }, use) => {
    const errors: Error[] = [];
    page.on('pageerror', (e) => errors.push(e));
    await use(page);
    expect(errors, 'uncaught errors on the storefront').toEqual([]);
  },
});

test.describe.configure({ timeout: 120_000 });

type Json = Record<string, any>;
async function state(sandbox: RunningSandbox): Promise<Json> {
  return (await (await fetch(`${sandbox.url}/sandbox/state`)).json()) as Json;
}

/** Partner row cells: code, name, status, clicks, customers, leads, sales, revenue, commission, reversed, net. */
function partnerCell(consolePage: Page, code: string, column: number) {
  return consolePage.locator(`#partners tr[data-partner="${code}"] td`).nth(column);
}

async function land(page: Page, shop: string, aff: string) {
  await page.goto(`${shop}/?aff=${aff}`);
  await expect(page.locator('#partner-links a[data-code="PARTNER_A"]')).toBeVisible();
}

async function signUp(page: Page, key: string, email: string) {
  await page.fill('#customer-key', key);
  await page.fill('#email', email);
  await page.click('#signup-form button[type=submit]');
  await expect(page.locator('#signup-status')).toHaveText(`Signed up as ${key}. The lead was sent; the console shows the decision.`);
}

async function buy(page: Page) {
  await page.click('#buy');
  await expect(page.locator('#buy-result')).toContainText('Paid. Sale #');
}

test('partner A: landing → signup → buy; the console shows the attributed sale and commission live', async ({ page, shop, sandbox, consolePage }) => {
  await land(page, shop, 'PARTNER_A');
  await expect.poll(async () => (await state(sandbox)).customers.length).toBe(1);
  const clickId: string = (await state(sandbox)).customers[0].click_id;
  expect(clickId).toMatch(/^cust_1_\d+$/);
  const cookies = await page.context().cookies(shop);
  expect(cookies.find((c) => c.name === 'affitor_click_id')?.value).toBe(clickId);
  await expect(page.locator('#visitor')).toHaveText(`click id ${clickId}, referred by PARTNER_A`);

  await signUp(page, 'alice_user', 'Alice@Example.com');
  await buy(page);

  const customer = (await state(sandbox)).customers[0];
  expect(customer).toMatchObject({ click_id: clickId, status: 'conversion', customer_key: 'alice_user', email_masked: 'a***@example.com' });

  // The console page was opened before the visit and is never reloaded.
  await expect(partnerCell(consolePage, 'PARTNER_A', 6)).toHaveText('1');
  await expect(partnerCell(consolePage, 'PARTNER_A', 7)).toHaveText('$49.00');
  await expect(partnerCell(consolePage, 'PARTNER_A', 8)).toHaveText('$19.60');
  const journey = consolePage.locator(`#journeys tr[data-click-id="${clickId}"]`);
  await expect(journey).toHaveAttribute('data-status', 'conversion');
  await expect(journey).toContainText('PARTNER_A');
  await expect(journey).toContainText('alice_user');
  await expect(journey.locator('.badge.done')).toHaveText(['click', 'lead', 'sale']);
  const feed = consolePage.locator('#feed');
  await expect(feed).toContainText('new customer from PARTNER_A (first click)');
  await expect(feed).toContainText(`lead: ${clickId} click → lead for PARTNER_A, key alice_user, a***@example.com`);
  await expect(feed).toContainText('sale 49.00 USD → PARTNER_A, commission 19.60 USD (40%)');
  // The debug-mode pageview is a test event, marked as such.
  await expect(feed.locator('li', { hasText: 'test pageview (debug mode)' }).first().locator('.badge.test')).toHaveText('TEST');
  await expect(consolePage.locator('body')).not.toContainText('Alice@Example.com');
  // Readiness follows what the sandbox saw: the script's click, then the whole chain.
  await expect(consolePage.locator('#readiness tr[data-gate="tracking"] .badge')).toHaveText('pass');
  await expect(consolePage.locator('#readiness tr[data-gate="live"]')).toContainText('click attributed · lead attributed · sale attributed');
  await expect(consolePage.locator('#readiness-state')).toHaveText('live_verified');
});

test('partner switch: A then B → B gets the sale, same click id', async ({ page, shop, sandbox, consolePage }) => {
  await land(page, shop, 'PARTNER_A');
  await expect.poll(async () => (await state(sandbox)).customers.length).toBe(1);
  const clickId: string = (await state(sandbox)).customers[0].click_id;

  await land(page, shop, 'PARTNER_B');
  await expect.poll(async () => (await state(sandbox)).customers[0].partner_code).toBe('PARTNER_B');
  expect((await state(sandbox)).customers).toHaveLength(1);
  await expect(consolePage.locator('#feed')).toContainText(`partner switch: PARTNER_A → PARTNER_B (last click wins), same click_id`);

  await signUp(page, 'switch_user', 'switch@example.com');
  await buy(page);
  await expect(partnerCell(consolePage, 'PARTNER_B', 8)).toHaveText('$19.60');
  await expect(partnerCell(consolePage, 'PARTNER_A', 8)).toHaveText('$0.00');
  await expect(consolePage.locator(`#journeys tr[data-click-id="${clickId}"]`)).toContainText('PARTNER_B');

  // Back on partner A's link after the purchase: the tracker switches, the sandbox keeps B (protocol §10.2).
  await land(page, shop, 'PARTNER_A');
  await expect(consolePage.locator('#feed')).toContainText('partner locked after conversion: click from PARTNER_A recorded, customer stays with PARTNER_B');
});

test('refund: the commission is reversed and the console shows it', async ({ page, shop, sandbox, consolePage }) => {
  await land(page, shop, 'PARTNER_A');
  await expect.poll(async () => (await state(sandbox)).customers.length).toBe(1);
  await signUp(page, 'refund_user', 'refund@example.com');
  await buy(page);
  await expect(page.locator('#refund')).toBeEnabled();
  await page.click('#refund');
  await expect(page.locator('#refund-result')).toContainText('Refund recorded: reversed');

  await expect(partnerCell(consolePage, 'PARTNER_A', 8)).toHaveText('$19.60');
  await expect(partnerCell(consolePage, 'PARTNER_A', 9)).toHaveText('$19.60');
  await expect(partnerCell(consolePage, 'PARTNER_A', 10)).toHaveText('$0.00');
  await expect(consolePage.locator('#sales tbody tr').first().locator('td').nth(5)).toHaveText('reversed');
  await expect(consolePage.locator('#feed')).toContainText('(full): commission 1 reversed, −19.60 USD');

  await page.click('#refund');
  await expect(page.locator('#refund-result')).toContainText('Refund recorded: skipped');
});

test('an unknown partner code: no click id, the console says why, the sale is not attributed', async ({ page, shop, sandbox, consolePage }) => {
  await page.goto(`${shop}/?aff=NOBODY`);
  await expect(consolePage.locator('#feed')).toContainText('rejected: unknown partner code "NOBODY"');
  expect((await page.context().cookies(shop)).map((c) => c.name)).not.toContain('affitor_click_id');
  await expect(page.locator('#visitor')).toHaveText('not referred by any partner (no click id)');

  await signUp(page, 'nobody_user', 'nobody@example.com');
  await expect(consolePage.locator('#feed')).toContainText('rejected: no customer for customer_key nobody_user');
  await page.click('#buy');
  await expect(page.locator('#buy-result')).toContainText('The sale API answered 400: Customer not found. Provide customer_key or click_id.');
  expect((await state(sandbox)).counts).toMatchObject({ customers: 0, sales: 0 });
});

test('visiting without a partner after a referral: "forget" clears the click id', async ({ page, shop, sandbox }) => {
  await land(page, shop, 'PARTNER_A');
  await expect.poll(async () => (await state(sandbox)).customers.length).toBe(1);
  await expect(page.locator('#visitor')).toContainText('referred by PARTNER_A');
  await page.click('#partner-links a[data-code="none"]');
  await page.waitForURL(`${shop}/`);
  await expect(page.locator('#visitor')).toHaveText('not referred by any partner (no click id)');
  expect((await page.context().cookies(shop)).filter((c) => c.name.startsWith('affitor_'))).toEqual([]);
});

test('fault injection from the console: two 503s, the tracker retries, one customer', async ({ page, shop, sandbox, consolePage }) => {
  await consolePage.selectOption('#fault-form select[name=endpoint]', 'click');
  await consolePage.selectOption('#fault-form select[name=mode]', '503');
  await consolePage.fill('#fault-form input[name=count]', '2');
  await consolePage.click('#fault-form button[type=submit]');
  await expect(consolePage.locator('#faults-active')).toHaveText('click: 503 × 2');

  await land(page, shop, 'PARTNER_B');
  await expect.poll(async () => (await state(sandbox)).customers.length, { timeout: 15_000 }).toBe(1);
  await expect(consolePage.locator('#feed')).toContainText('fault injected: click answered 503 (0 more to go)');
  await expect(consolePage.locator('#faults-active')).toHaveText('none');
  expect((await state(sandbox)).customers[0].partner_code).toBe('PARTNER_B');
});
