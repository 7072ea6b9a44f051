// Debug-mode extras (docs/protocol.md §7): the words of the decision lines, the cookie self-test,
// the production warning and one test pageview per load. Only sites in debug mode pay for them: the
// script fetches dist/affitor-tracker.debug.js (debug-extras.ts) from its own origin when debug
// mode is on, and the ESM library calls `runDebugExtras` directly. What the extras need from the
// core comes in the context, so one file serves every script variant.
import { DEFAULT_API_BASE } from '../shared/constants.js';
import { formatCookie, readCookie } from '../shared/cookies.js';
import { CLICK_PATH } from './click.js';
import type { Settings } from './config.js';
import { Line, lineText } from './lines.js';
import type { DebugContext } from './tracker.js';

const TEST_COOKIE = 'affitor_test_cookie';
let testPageviewSent = false;

/** Prints a decision line in full, with the `[Affitor]` prefix. */
export function printLine(line: Line, args: unknown[]) {
  console.log('[Affitor]', ...lineText(line, args));
  if (line == Line.Initialized) console.log('[Affitor] Using program ID:', (args[0] as Settings).programId);
}

/**
 * Writes a host-only test cookie with the tracker's attributes, reads it back from the browser and
 * expires it: whether this page can keep the tracker's cookies at all.
 */
export function cookiesWork(): boolean {
  const value = 'test_' + Date.now();
  const write = (days: number) => {
    document.cookie = formatCookie(TEST_COOKIE, value, { days, secure: location.protocol == 'https:' });
  };
  try {
    write(1);
    const kept = readCookie(document.cookie, TEST_COOKIE) == value;
    write(-1);
    return kept;
  } catch (e) {
    return false;
  }
}

export function runDebugExtras({ settings, aff, pageview, send, setPrinter }: DebugContext) {
  setPrinter(printLine);

  if (cookiesWork()) console.log('[Affitor] Cookie verification PASSED');
  else console.warn('[Affitor] Cookie verification FAILED - cookies may be blocked (privacy settings, ITP, extensions, no HTTPS)');

  if (aff && settings.apiBase == DEFAULT_API_BASE) console.warn('[Affitor] Real click on the production API: this creates real data');

  if (testPageviewSent) return;
  testPageviewSent = true;
  if (settings.programId == null) return console.error('[Affitor] No program ID: no test pageview');
  // Test mode: stored as a test event, creating no customer, and it never writes cookies.
  const body = Object.assign({}, pageview, { additional_data: { test_mode: true, program_id: settings.programId } });
  console.log('[Affitor] Sending test click event:', body);
  void send(CLICK_PATH, body, settings.apiBase).then(({ status, body, error }) => {
    if (status) console.log('[Affitor] Test click event response:', status, body);
    else console.log('[Affitor] Test click event failed:', error);
  });
}

/** Test hook: a fresh page. */
export const resetDebugExtras = () => {
  testPageviewSent = false;
};
