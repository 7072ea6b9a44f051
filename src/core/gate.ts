// What may leave the page, and where to. Every script honours a stored refusal
// (`affitor_consent=0`, written by `optOut()`); the main script given `consent: 'required'` tracks
// nothing (it has no consent mode); consent mode (consent.ts: the consent and .plus scripts, the
// ESM library) replaces the gate with one that also holds a landing and queues calls until the
// visitor consents. `send` is the only way clicks and leads reach the API (`sendByXhr` when the
// page's fetch wrapper used up a click's answer), `retryWhileAllowed` the only retry loop they run.
import { pageSettings } from './config.js';
import { storedChoice } from './privacy.js';
import { type Send, post, postByXhr, retry } from './transport.js';

export interface Gate {
  /** Whether the tracker may store and send now. */
  allowed(): boolean;
  /** Keeps a landing URL seen while not allowed (consent mode only). */
  hold(url: string): void;
  /** Keeps a call made while not allowed, to run on consent (consent mode only). */
  wait(call: () => unknown): void;
  /** Drops what was held and kept: the visitor opted out. */
  forget(): void;
}

const ignore = () => {};

/** The main script's gate: no consent mode. */
export const closedWithoutConsentMode: Gate = {
  allowed: () => !pageSettings.consentRequired && storedChoice() !== false,
  hold: ignore,
  wait: ignore,
  forget: ignore,
};

export let gate = closedWithoutConsentMode;

export const useGate = (next: Gate) => {
  gate = next;
};

/** Whether the visitor may be tracked now, by the current gate. */
export const trackingAllowed = () => gate.allowed();

/** Posts to `api` (an AffitorTracker instance's, which its records carry), else the page's API. */
export const send: Send = (path, body, api, sent) => post((api || pageSettings.apiBase) + path, body, sent);

/** As `send`, through XMLHttpRequest (transport.ts `postByXhr`). */
export const sendByXhr = (path: string, body: object, api?: string | null) => postByXhr((api || pageSettings.apiBase) + path, body);

/** The retry loop of clicks and leads: after an opt-out it starts no attempt (none is sent, none writes). */
export const retryWhileAllowed = (attempt: Parameters<typeof retry>[0]) => retry(attempt, trackingAllowed);
