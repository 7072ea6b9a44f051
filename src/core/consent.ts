// Consent mode (the consent and .plus scripts, and the ESM library). With `consent: 'required'`
// the tracker stores nothing and sends nothing until `consent(true)`; a landing's URL waits in
// memory meanwhile, and calls made meanwhile (signups, clicks) run on consent. The main script has
// none of this: given `consent: 'required'` it fails closed (tracker.ts).
import { parseAff } from './aff.js';
import { pageSettings } from './config.js';
import type { Gate } from './gate.js';
import { Line } from './lines.js';
import { note } from './log.js';
import { storedChoice } from './privacy.js';

/**
 * A same-origin referrer that carries `aff`: the landing one page back. It lets consent given on
 * the second page still credit the partner, without anything stored before consent.
 */
export function referrerLanding(referrer: string, origin: string): string | null {
  return referrer.indexOf(origin + '/') == 0 && parseAff(referrer) ? referrer : null;
}

/** Consent mode's gate, and what runs when the visitor consents; `begin` starts tracking for a URL. */
export function createConsent(begin: (url: string) => void) {
  /** The landing URL (with `aff`) seen while tracking was off; tracked on `consent(true)`. */
  let heldUrl: string | null = null;
  /** Calls made while consent was pending, run on `consent(true)` on this page. */
  let waiting: (() => unknown)[] = [];

  const gate: Gate = {
    // An explicit choice wins, else "not required".
    allowed: () => storedChoice() ?? !pageSettings.consentRequired,
    hold(url) {
      heldUrl = url;
      note(Line.ConsentPending, url);
    },
    wait(call) {
      const pending = storedChoice() == null;
      if (pending) waiting.push(call);
      note(pending ? Line.ConsentPending : Line.ConsentRefused);
    },
    forget() {
      heldUrl = null;
      waiting = [];
    },
  };

  /** Granted: tracking starts (held landing first) and the waiting calls run. */
  const granted = () => {
    begin(heldUrl || referrerLanding(document.referrer, location.origin) || location.href);
    waiting.splice(0).forEach((call) => call());
  };

  return { gate, granted };
}
