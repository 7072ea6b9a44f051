// The script tag's size, measured as peer trackers' sizes are usually compared:
// `gzip -9`. Every byte ships to every visitor.
//
// The budget is 2,000 B and it is NOT met (4,958 B on 2026-11-25; see README "Figures" and
// `npm run bench`, which prints the budget verdict). Until it is, this test is a ratchet: growth
// must be a deliberate decision, written here. History: 4,830 → 4,910 B (+~90 B) for the Web Locks
// landing decision, which took the fault benchmark's second-tab duplicate clicks from 10 to 0
// without losing a click to a visitor who leaves at once; 4,910 → 4,930 B (+18 B) for V8's
// `//# allFunctionsCalledOnLoad` compile hint, which took ~3 ms off a plain visit's main-thread
// CPU (build.mjs); 4,930 → 4,950 B (+25 B) to build the click-id list with the same shared
// helpers as the server (src/shared/cookies.ts) rather than a second copy; 4,950 → 4,960 B (+15 B)
// for one cookie reader (`readCookie`) shared by the script and the server; 4,960 → 4,980 B (+20 B)
// for signup() refusing a customer key that is neither a string nor a finite number (an object
// would reach the wire as "[object Object]"; found by the linter's no-base-to-string); 4,980 →
// 4,990 B (+9 B, esbuild's module order) for the constants every target shares
// (src/shared/constants.ts); 4,990 → 5,006 B (+16 B) for the bot check before a click's write-ahead
// record and on every click path (bots clicked on secure origins, where Web Locks take the
// landing's other path); 5,006 → 5,058 B (+52 B) for the 400-day lifetime cap on every cookie
// (`cookie_window_days: 1e9` gave session cookies) and refusing click ids the cookies cannot keep
// (they were silently dropped, so every later landing clicked again); 5,055 B (-3 B) when the
// opt-out gate moved into the retry loop; 5,055 → 5,131 B (+76 B) for a lead that waits for its
// landing's click when that click is slower than signup's 3 s (stored without a click id and sent
// once the click is final, on this page or after the next page's resend) instead of going out
// without it, which the API rejects for good; 5,131 → 5,169 B (+38 B) so that a page prerendered by
// Speculation Rules sends and writes nothing until it is shown; 5,169 → 5,163 B: consent mode
// moved to affitor-tracker.consent.js and the debug extras (the words of the decision lines, cookie
// self-test, test pageview) to affitor-tracker.debug.js, fetched on demand — which paid for the
// composition root (no import cycle), the fail-closed consent stub, the extras loader and the
// Temporal time-zone source, and little more; 5,158 B (-5 B) reading answers
// through status and the body only; 5,158 → 5,201 B (+43 B) for the cross-tab landing decision
// reading the cookies from `cookieStore` once the lock is granted (document.cookie could still show
// the renderer's stale copy and the second tab clicked again: 1 in 8 runs of e2e/script/tabs.spec.ts);
// 5,201 → 4,939 B (-262 B): a second minification pass, terser's, after esbuild's (build.mjs);
// 4,939 → 4,979 B (+40 B) for AffitorTracker instances with their own API and program id: a
// click's and a lead's retries keep going to the API they started with, and the pending click and
// stored leads carry that API (only when it is not the page's) to the next page load
// (docs/protocol.md §12.2); 4,979 → 4,970 B (-9 B): the script's cookie writes built by the
// server's builder (`cookieLine` in src/shared/cookies.ts, +9 B), paid for by a shorter debug-extras
// loader (one promise) and tag-option name conversion; 4,970 → 4,972 B (+2 B): `ready()` waits for
// the latest click, not only the landing's, so the React entry's `data` follows an SPA navigation
// to another partner's link with an adopted script tag too; 4,972 → 4,965 B (-7 B): one `trackingAllowed()`
// instead of `gate.allowed()` at each call, the tag options as one split string, a stored lead read
// once; 4,965 → 4,972 B (+7 B) for plain-visit CPU: the switches parsed without a regular
// expression (the integration guide's tag has data-affitor-debug="false": 4.07 → 3.30 ms, medians
// of 15) and the tag looked for again only when nothing else gave a program id (3.86 → 3.33 ms,
// medians of 21); 4,972 → 4,981 B (+9 B) so that an instance's landing under the Web Locks
// lock keeps its API when its write-ahead record was too big to persist (its click went to the
// page's API); 4,981 → 5,019 B (+38 B) so that what a prerendered page's code asks for
// (trackClick, signup, trackLead, consent(true), ready) waits until the page is shown, in order, as
// its init already did (a click went out for a page the visitor might never see, and ready fired
// before attribution was known); 5,019 → 5,077 B (+58 B) for plain-visit CPU: a page without `aff`
// runs its first attribution pass a task after init, and the calls that need it run it first
// (src/core/tracker.ts `passNow`): its first document.cookie read, made during the parse, cost the
// main thread ~2 ms (ScriptDuration 4.16 → 1.45 ms, medians of 21); 5,077 → 5,076 B (-1 B): the ready
// event's wait uses the shared sleep(); 5,076 → 5,164 B (+88 B) so that a developer's automated
// tests are tracked by a loopback API (the local sandbox) without a switch, and a bot's click
// withheld from a real API says so in a console warning outside debug mode too (it was silent);
// 5,164 → 5,228 B for the fetch stand-ins users' unit tests write (issue 19, its own commits);
// 5,228 → 5,369 B (+141 B) so that a stale copy of a cookie under another scope (a host-only
// `affitor_click_id` beside the script's `.shop.example` one) can no longer make servers credit the
// old partner: a write expires the name's other-scoped copies (src/core/cookie-jar.ts), and where
// two are sent the script reads the one its history names, as the server helpers do (`pickClickId`,
// src/shared/cookies.ts); 5,369 → 5,446 B (+77 B) for one lead per account: a customer key this
// browser has recorded (localStorage `affitor_recorded_leads`) sends nothing again on later pages
// (protocol §3.6); 5,446 → 5,693 B (+247 B) for a plain core (issue 22): objects where tuples saved
// bytes (a request's outcome, the debug context, the stored attribution), and each call passed the
// settings it runs with instead of a swapped global, so AffitorTracker instances survive an `await`
// anywhere in the core — paid while this script still holds the core, which moves to a file loaded
// on demand. Lower SIZE_CEILING_BYTES whenever the
// script gets smaller; when it reaches GZIP_BUDGET_BYTES, assert the budget itself again.
// `npm test` builds dist/ before the unit tests run; on its own, run `npm run build` first.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { GZIP_BUDGET_BYTES, measureSize } from '../bench/lib/size.mjs';

const SCRIPT = resolve(__dirname, '../dist/affitor-tracker.js');
const SIZE_CEILING_BYTES = 5693;

describe('dist/affitor-tracker.js size', () => {
  it(`does not grow past ${SIZE_CEILING_BYTES} B with gzip -9 (budget ${GZIP_BUDGET_BYTES} B, not met yet)`, () => {
    if (!existsSync(SCRIPT)) {
      throw new Error(`${SCRIPT} is missing: run \`npm run build\` first (\`npm test\` builds it before the unit tests).`);
    }
    const size = measureSize(SCRIPT);
    expect(size.gzip, `${size.gzipMethod} of the ${size.raw} B script (brotli 11: ${size.brotli} B)`).toBeLessThanOrEqual(SIZE_CEILING_BYTES);
  });
});
