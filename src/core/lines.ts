// The tracker's debug-mode decision lines, by number. The browser core logs only the number and
// its arguments (`note(Line.Referral, aff)`); the words live in LINE_TEXT, which only the debug
// extras (dist/affitor-tracker.debug.js, fetched when debug mode is on) and the ESM library carry,
// so the script every visitor downloads ships none of them. Errors are not here: they always print,
// with their words, from the core itself (log.ts `error`).

/** A const enum: esbuild writes each use as its bare number. Append new lines at the end. */
export const enum Line {
  /** Printed as two lines: this one with the settings, then `Using program ID:` with the id. */
  Initialized,
  Referral,
  PartnerSwitch,
  Attributed,
  NoAttribution,
  ResendingClick,
  ClickFailed,
  NoClickId,
  ClickRejected,
  ClickSaved,
  SignupTracked,
  SignupUnattributed,
  SignupDuplicate,
  ResendingSignup,
  RequestFailed,
  AlreadyLoaded,
  ConsentPending,
  ConsentRefused,
  OptedOut,
  HandedOver,
}

/**
 * `{}` is replaced by the first argument; the remaining arguments follow the text, as console.log
 * prints them. Wording of the lines docs/protocol.md §3.3, protocol §3.6 and §7 prescribe is kept exactly.
 */
export const LINE_TEXT: Record<Line, string> = [
  'Affitor tracker initialized:',
  'Referral:',
  'Partner switch:',
  'Attributed:',
  'No attribution',
  'Resending click:',
  'Click failed:',
  'No usable click_id:',
  'Failed to track click: {}',
  'Click tracked, click_id saved: {}',
  'Signup tracked successfully',
  'Signup tracked without affiliate attribution',
  'Duplicate signup not sent',
  'Resending signup',
  'Request failed (ad blocker, CSP connect-src, wrong API base?)',
  'already loaded on this page; this copy does nothing',
  'No consent yet; kept',
  'Opted out; dropped',
  'Opted out',
  'Click id handed over from another domain:',
];

/** The console arguments for a line: its text with `{}` filled in, then the other arguments. */
export function lineText(line: Line, args: unknown[]): unknown[] {
  const rest = args.slice();
  const text = LINE_TEXT[line].replace('{}', () => String(rest.shift()));
  return [text, ...rest];
}
