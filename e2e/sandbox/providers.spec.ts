// The storefront's simulated Paddle / Lemon Squeezy / Polar subscriptions in Chromium: landing
// through a partner link, then each provider's signed webhooks through its real handler — first
// payment, renewal, refund — and the sales in the sandbox's state.
import { test, expect } from '@playwright/test';
import { startSandbox } from '../../src/sandbox/server';

test.describe.configure({ timeout: 90_000 });

test('each provider: subscribe, renew, refund from the storefront; both payments recorded, the renewal reversed', async ({ page }) => {
  const sandbox = await startSandbox({ port: 0, db: ':memory:', allowedHosts: ['shop.test'] });
  const errors: Error[] = [];
  page.on('pageerror', (e) => errors.push(e));
  try {
    await page.goto(`http://shop.test:${sandbox.port}/?aff=PARTNER_A`);
    await expect(page.locator('#visitor')).toContainText('referred by PARTNER_A', { timeout: 15_000 });
    for (const provider of ['paddle', 'lemonsqueezy', 'polar']) {
      await page.selectOption('#provider', provider);
      await page.click('#provider-sale');
      await expect(page.locator('#provider-result')).toContainText(`200 to ${provider}: sale recorded`);
      await page.click('#provider-renewal');
      await expect(page.locator('#provider-result')).toContainText('"isRecurring": true');
      await page.click('#provider-refund');
      await expect(page.locator('#provider-result')).toContainText(`200 to ${provider}: refund recorded`);
    }
    const state = await (await fetch(`${sandbox.url}/sandbox/state`)).json();
    expect(state.sales).toHaveLength(6);
    expect(state.sales.filter((s: { is_recurring: number; commission_status: string }) => s.is_recurring === 1 && s.commission_status === 'reversed')).toHaveLength(3);
    expect(errors).toEqual([]);
  } finally {
    await sandbox.close();
  }
});
