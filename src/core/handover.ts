// What the every-page script (dist/affitor-tracker.js, src/loader/loader.ts) hands to the core it
// loads on demand (dist/affitor-tracker.core.js, src/script-core.ts), so that the core continues
// the page the every-page script started: its session, the landing's click already in flight, the
// Web Locks lock held for that landing, and the calls made before the core arrived. The loader puts
// it on the core's <script> element as `affitor`; the core reads it from `document.currentScript`
// while its file runs. Elsewhere (the single-file scripts, the ESM library) there is none, and every
// hook below is a no-op.

/** A call of `window.affitor` made before the core arrived: method, arguments, and what settles its result. */
export type WaitingCall = [method: string, args: unknown[], settle: (result?: unknown) => void];

export interface Handover {
  /** The script tag: the core reads its `data-affitor-*` options. */
  tag: HTMLScriptElement | null;
  /** This page's `sess_…` id (docs/protocol.md §3.3): the loader's click already carries it. */
  session: string;
  /** The URL of the core's first attribution pass: the page's, or the last SPA landing seen before the core. */
  url: string;
  /** `referrer_url` for clicks from then on: the URL before that SPA landing, else the document's referrer. */
  referrer: string;
  /** Set while the loader decides the landing under the Web Locks lock (secure origins); resolves once it has. */
  decided?: Promise<unknown>;
  /**
   * The landing's first click attempt, sent by the loader: in its first task, or under the lock the
   * record it found written ahead for this URL (maybe another tab's, whose session it carries).
   */
  click?: { url: string; session: string; response: Promise<Response> };
  /** Set while the loader holds the `affitor_click` lock for that click: releases it once the click settles. */
  release?: (settled: unknown) => void;
  calls: WaitingCall[];
  /**
   * The dedupe keys of the leads the loader wrote ahead for waiting `signup`/`trackLead` calls
   * (lead.ts's format): the core forgets them before it runs those calls, which store their own.
   */
  leads: string[];
  /** Set once the loader dispatched `affitor:ready` (a plain visit whose core came later): never twice. */
  fired?: boolean;
  /** Set by the core once it runs the page: the facade's calls go to it from then on. */
  core?: object;
}

const script = typeof document == 'object' ? (document.currentScript as (HTMLScriptElement & { affitor?: Handover }) | null) : null;

/** The loader's hand-over, while the core file runs; undefined everywhere else. */
export const handover: Handover | undefined = (script && script.affitor) || undefined;

/**
 * The landing click the loader already sent, for the core's first attempt of the same click (same
 * URL, same session): its answer is used instead of a second request, so that the one click is
 * never counted twice. Given once.
 */
export function takeSentClick(record: { affiliate_url: string; session_id: string }): Promise<Response> | undefined {
  const sent = handover && handover.click;
  if (!sent || sent.url != record.affiliate_url || sent.session != record.session_id) return undefined;
  handover!.click = undefined;
  return sent.response;
}

/**
 * The lock the loader holds for the landing, once: the core's pass for it runs without asking for
 * the lock again (it would wait for itself) and hands back what settles it.
 */
export function takeHeldLock(): ((settled: unknown) => void) | undefined {
  const release = handover && handover.release;
  if (release) handover!.release = undefined;
  return release;
}
