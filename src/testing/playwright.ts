// affitor-tracker/testing/playwright: a Playwright fixture that gives each test its own test
// sandbox and points the page's tracker at it. The tag's API base is rewritten to the sandbox
// before the script runs (an init script), so the tracker talks to a loopback API, which takes an
// automated browser's clicks (the bot filter guards a real API only); and every request a page
// makes to Affitor's production API is answered by the sandbox, so no test ever reaches it.
// `@playwright/test` is the test's own (an optional peer of this entry only).
import {
  expect,
  test as base,
  type BrowserContext,
  type Page,
  type PlaywrightTestArgs,
  type PlaywrightTestOptions,
  type PlaywrightWorkerArgs,
  type PlaywrightWorkerOptions,
  type TestType,
} from '@playwright/test';
import { DEFAULT_API_BASE } from '../shared/constants.js';
import { CLICK_ID_COOKIE } from '../shared/cookies.js';
import { AttributionAssertionError } from './expectations.js';
import type { RecordedClick } from './records.js';
import { startTestSandbox, type TestSandbox, type TestSandboxOptions } from './sandbox.js';

export { expect };

export interface PointTrackerOptions {
  /**
   * API bases whose requests the sandbox answers instead (pages built with a fixed `apiBase`).
   * @default ['https://api.affitor.com']
   */
  apiBases?: string[];
}

/**
 * Points every page of `target` at `sandbox`: a tracker tag (`data-affitor-program-id`) gets
 * `data-affitor-api-base` set to the sandbox before it runs, and requests to `apiBases` are
 * answered by the sandbox. For your own fixtures; the `affitor` fixture calls it for its page's context.
 */
export async function pointTrackerAt(target: BrowserContext | Page, sandbox: Pick<TestSandbox, 'url'>, options: PointTrackerOptions = {}): Promise<void> {
  // Runs in the page before its own scripts. Mutation records are delivered before the parser runs
  // the script it just inserted (a microtask checkpoint precedes it), so the tag is changed in time.
  await target.addInitScript((apiBase: string) => {
    const point = (node: Node) => {
      if (!(node instanceof Element)) return;
      const tags = node.tagName === 'SCRIPT' ? [node] : Array.from(node.getElementsByTagName('script'));
      for (const tag of tags) {
        if (tag.hasAttribute('data-affitor-program-id') || tag.hasAttribute('data-affitor-program')) tag.setAttribute('data-affitor-api-base', apiBase);
      }
    };
    new MutationObserver((records) => records.forEach((record) => record.addedNodes.forEach(point))).observe(document, { childList: true, subtree: true });
  }, sandbox.url);
  for (const apiBase of options.apiBases ?? [DEFAULT_API_BASE]) {
    await target.route(`${apiBase.replace(/\/+$/, '')}/**`, async (route) => {
      const { pathname, search } = new URL(route.request().url());
      await route.fulfill({ response: await route.fetch({ url: sandbox.url + pathname + search }) });
    });
  }
}

/** `url` with `aff=<partner>` added to its query (relative URLs too: they resolve against `baseURL`). */
export function withAff(url: string, partner: string): string {
  const hashAt = url.indexOf('#');
  const [path, hash] = hashAt < 0 ? [url, ''] : [url.slice(0, hashAt), url.slice(hashAt)];
  return `${path}${path.includes('?') ? '&' : '?'}aff=${encodeURIComponent(partner)}${hash}`;
}

export interface AffitorFixture extends TestSandbox {
  /**
   * Opens `url` with `?aff=<partner>` (in the test's page, or `page`) and waits for the tracker's
   * click to be recorded. Rejects with AttributionAssertionError naming what the page logged.
   */
  land(url: string, partner: string, page?: Page): Promise<RecordedClick>;
}

export interface AffitorFixtures {
  /** The test's own sandbox, with the page pointed at it (started per test, stopped after). */
  affitor: AffitorFixture;
  /** Options of the test's sandbox: `test.use({ affitorOptions: { partners: ['ACME'] } })`. */
  affitorOptions: TestSandboxOptions & PointTrackerOptions;
}

/** Playwright's `test` with the `affitor` fixture (and `affitorOptions`): import it instead of Playwright's. */
export const test: TestType<PlaywrightTestArgs & PlaywrightTestOptions & AffitorFixtures, PlaywrightWorkerArgs & PlaywrightWorkerOptions> = base.extend<AffitorFixtures>({
  affitorOptions: [{}, { option: true }],
  affitor: async ({ page, affitorOptions }, use) => {
    const { apiBases, ...sandboxOptions } = affitorOptions;
    const sandbox = await startTestSandbox(sandboxOptions);
    try {
      await pointTrackerAt(page.context(), sandbox, { apiBases });
      await use({
        ...sandbox,
        async land(url, partner, target = page) {
          const logged: string[] = [];
          const onConsole = (message: { text(): string }) => {
            if (message.text().includes('[Affitor]')) logged.push(message.text());
          };
          target.on('console', onConsole);
          try {
            await target.goto(withAff(url, partner));
            const click = await sandbox.expectClick({ partner });
            // The sandbox records the click before the page has its answer: wait until the page holds
            // it too, so what the test does next (another landing, a sign-up) starts from that click.
            await expect
              .poll(async () => (await target.context().cookies()).find((cookie) => cookie.name === CLICK_ID_COOKIE)?.value, {
                message: `the page never stored the click ${click.clickId} the sandbox recorded`,
              })
              .toBe(encodeURIComponent(click.clickId));
            return click;
          } catch (err) {
            if (err instanceof AttributionAssertionError) {
              err.message =
                `landing on ${target.url()} recorded no click: ${err.message}; ` +
                (logged.length > 0 ? `the page logged: ${logged.join(' | ')}` : 'the tracker logged nothing: is its tag (data-affitor-program-id) on this page?');
            }
            throw err;
          } finally {
            target.off('console', onConsole);
          }
        },
      });
    } finally {
      await sandbox.stop();
    }
  },
});
