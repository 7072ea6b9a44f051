// `affitor-tracker/react`: the official `affitor-sdk/react` surface (docs/protocol.md §12.1),
// `AffitorProvider` and `useAffitor`, over the `affitor-tracker` entry. It holds no tracker of its
// own: build.mjs keeps `../index.js` an import of the package's browser entry (and `react` a peer),
// so an app that uses both entries bundles one core, and the page runs one tracker.
import { createContext, createElement, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { getClickId, getData, getTracker, init, onAttributionChange, signup, type AffitorData } from '../index.js';

export type { AffitorData } from '../index.js';

export interface AffitorProviderProps {
  /** Affitor program id; without it, the script tag's or `window.AFFITOR_PROGRAM_ID`. */
  programId?: number | string;
  /** Logs every decision to the console with an `[Affitor]` prefix. */
  debug?: boolean;
  /** API origin (default `https://api.affitor.com`), or a same-origin path such as `/affitor` behind a proxy. */
  apiBase?: string;
  /** Cookie `domain=`; by default the broadest domain the browser accepts (e.g. `.example.com`). */
  cookieDomain?: string;
  children?: ReactNode;
}

export interface AffitorContextValue {
  /** The page's attribution; null on the server and until the provider has mounted. */
  data: AffitorData | null;
  /** The `affitor-tracker` entry's own `signup`. */
  signup: typeof signup;
  /** The `affitor-tracker` entry's own `getClickId`. */
  getClickId: typeof getClickId;
}

/** What `useAffitor()` gives outside a provider: the same shape, no data, and working functions. */
const outsideProvider: AffitorContextValue = { data: null, signup, getClickId };

const AffitorContext = createContext<AffitorContextValue>(outsideProvider);

/**
 * The options the page's tracker was last initialised with, as a comparable key. The tracker is
 * page-wide, so this is too: React StrictMode's second mount, a remount or a re-render with equal
 * props finds them applied already and does not run attribution again.
 */
let appliedOptions: string | undefined;

const sameData = (a: AffitorData | null, b: AffitorData | null) =>
  a === b ||
  (!!a && !!b && a.clickId === b.clickId && a.programId === b.programId && a.hasAttribution === b.hasAttribution && a.affiliateUrl === b.affiliateUrl);

/**
 * Initialises the page's tracker once mounted (never during render, so a server render touches no
 * browser API) and provides its attribution to `useAffitor()`. `data` follows the landing's click:
 * it becomes the server's click id when the click answers, with no reload. A tracker already on
 * the page (the `<script>` tag) is adopted and re-configured with these props, not doubled.
 */
export function AffitorProvider({ programId, debug, apiBase, cookieDomain, children }: AffitorProviderProps) {
  const [data, setData] = useState<AffitorData | null>(null);

  useEffect(() => {
    const key = JSON.stringify([programId, debug, apiBase, cookieDomain]);
    // A changed prop re-initialises: the core re-runs attribution, and its click guard keeps the
    // landing at one click. Equal props leave the running tracker alone.
    const tracker = key === appliedOptions ? getTracker() : init({ programId, debug, apiBase, cookieDomain });
    appliedOptions = key;
    let mounted = true;
    const refresh = () => {
      if (!mounted) return;
      const next = getData();
      setData((previous) => (sameData(previous, next) ? previous : next));
    };
    refresh();
    // Runs once the landing's click has settled (at once when it already has), on every path;
    // then again whenever a later click (an SPA navigation to a partner's link) has.
    tracker?.ready(refresh);
    const stop = onAttributionChange(refresh);
    return () => {
      mounted = false;
      stop();
    };
  }, [programId, debug, apiBase, cookieDomain]);

  const value = useMemo<AffitorContextValue>(() => ({ data, signup, getClickId }), [data]);
  return createElement(AffitorContext.Provider, { value }, children);
}

/** The page's attribution and the `signup`/`getClickId` functions; outside a provider `data` is null. */
export function useAffitor(): AffitorContextValue {
  return useContext(AffitorContext);
}
