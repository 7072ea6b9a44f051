// Values the browser core, the server client, the Stripe helpers and the sandbox must agree on,
// defined once. No DOM, no Node APIs: every target imports this.

/** Affitor's production API (docs/protocol.md §2, protocol §5): the default of every client. */
export const DEFAULT_API_BASE = 'https://api.affitor.com';

/** One day in milliseconds: record ages, cookie expiry dates, the sandbox's windows. */
export const DAY_MS = 24 * 60 * 60 * 1000;
/** One day in seconds: `Max-Age` of cookies a server issues. */
export const DAY_S = 24 * 60 * 60;

/** Cookie lifetime when the API sent no `cookie_window_days` (docs/protocol.md §4.1, protocol §5.6). */
export const DEFAULT_COOKIE_WINDOW_DAYS = 60;

/** Length of the click-id history: the `affitor_click_ids` cookie and a lead's `click_ids` (docs/protocol.md §4.2, protocol §5.2). */
export const MAX_CLICK_IDS = 20;

/** A stored click or lead older than this is dropped instead of resent (docs/protocol.md §3.4, protocol §3.6). */
export const RESEND_WINDOW_MS = DAY_MS;
