// Public types of the browser tracker, shared by the `<script>` build and the ESM entry.

/** Options of `init()` (and of the script tag's `data-affitor-*` attributes). Omitted ones keep their value. */
export interface AffitorInitOptions {
  /** Affitor program id; numbers and numeric strings are accepted (`parseInt(v, 10)`). */
  programId?: number | string | null;
  /** Logs every decision with an `[Affitor]` prefix; see the README's "Debug mode". */
  debug?: boolean | string | null;
  /** Cookie `domain=` attribute; by default the broadest domain the browser accepts. */
  cookieDomain?: string | null;
  /** API origin, default `https://api.affitor.com`. */
  apiBase?: string | null;
}

/** `getData()` snapshot. */
export interface AffitorData {
  clickId: string | null;
  programId: number | null;
  hasAttribution: boolean;
  affiliateUrl: string | null;
}

/** Legacy `trackLead(data)` input of Affitor's earlier script. */
export interface AffitorLegacyLead {
  customer_key?: string | number | null;
  user_id?: string | number | null;
  email?: string | null;
}

/** The tracker published as `window.affitor`. */
export interface AffitorApi {
  programId: number | null;
  init(options?: AffitorInitOptions | null): AffitorApi;
  signup(customerKey: string | number, email?: string | null): Promise<void>;
  trackClick(affiliateUrl?: string, existingClickId?: string | null): Promise<void>;
  getClickId(): string | null;
  getClickIds(): string[];
  getData(): AffitorData;
  /** Runs `callback(getData())` once this page's attribution is settled, on every path. */
  ready(callback: (data: AffitorData) => void): void;
  trackLead(data: AffitorLegacyLead): Promise<void>;
}

/** One `window.affitorQueue` entry: `[method, ...args]`. */
export type AffitorQueueCommand =
  | ['init', AffitorInitOptions?]
  | ['signup', string | number, (string | null)?]
  | ['trackClick', string?, (string | null)?]
  | ['trackLead', AffitorLegacyLead]
  | ['ready', (data: AffitorData) => void];

declare global {
  interface Window {
    affitor?: AffitorApi;
    /** Commands queued before the tracker loaded; after load its `push` runs them at once. */
    affitorQueue?: AffitorQueueCommand[];
    AFFITOR_PROGRAM_ID?: number | string;
  }
}
