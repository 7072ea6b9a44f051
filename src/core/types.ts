// Public types of the browser tracker, shared by the `<script>` build and the ESM entry.

/** Options of `init()` (and of the script tag's `data-affitor-*` attributes). Omitted ones keep their value. */
export interface AffitorInitOptions {
  /** Affitor program id; numbers and numeric strings are accepted (`parseInt(v, 10)`). */
  programId?: number | string | null;
  /** Logs every decision with an `[Affitor]` prefix; see docs/script-tag.md#debug-mode. */
  debug?: boolean | string | null;
  /** Cookie `domain=` attribute; by default the broadest domain the browser accepts. */
  cookieDomain?: string | null;
  /**
   * API origin, default `https://api.affitor.com`; or a same-origin path such as `/affitor` when the
   * site proxies the API (it becomes `location.origin + path`).
   */
  apiBase?: string | null;
  /** `'required'`: store and send nothing until `consent(true)`. */
  consent?: string | null;
  /**
   * Also send clicks from visitors that look like bots (webdriver, headless, crawlers) to a real
   * API. A loopback API (the local sandbox) takes them without this switch.
   */
  allowBots?: boolean | string | null;
  /**
   * `.plus` script and ESM only. Other sites of yours (host names, comma-separated, subdomains
   * included): links and iframes to them carry the click id as `affitor_cid`.
   */
  domains?: string | string[] | null;
  /** `.plus` script and ESM only. Remove `aff` from the address bar once it is read. */
  cleanUrl?: boolean | string | null;
  /**
   * `.plus` script and ESM only. Add the click id to Stripe Payment Links (`client_reference_id`),
   * `<stripe-pricing-table>` and `<stripe-buy-button>` (`client-reference-id`).
   */
  stripe?: boolean | string | null;
  /**
   * `.plus` script and ESM only. Add the click id to Lemon Squeezy checkout links and lemon.js
   * overlay buttons (`checkout[custom][affitor_click_id]`).
   */
  lemonSqueezy?: boolean | string | null;
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
  /**
   * The visitor's answer to your consent banner. `true` starts tracking (a landing seen earlier on
   * this page, or one page back, is tracked then); `false` is `optOut()`. Remembered in the
   * `affitor_consent` cookie.
   */
  consent(granted: boolean): void;
  /** Removes every affitor cookie and stored signup and stops tracking, on this and later pages. */
  optOut(): void;
}

/** One `window.affitorQueue` entry: `[method, ...args]`. */
export type AffitorQueueCommand =
  | ['init', AffitorInitOptions?]
  | ['signup', string | number, (string | null)?]
  | ['trackClick', string?, (string | null)?]
  | ['trackLead', AffitorLegacyLead]
  | ['ready', (data: AffitorData) => void]
  | ['consent', boolean]
  | ['optOut'];

declare global {
  interface Window {
    affitor?: AffitorApi;
    /** Commands queued before the tracker loaded; after load its `push` runs them at once. */
    affitorQueue?: AffitorQueueCommand[];
    AFFITOR_PROGRAM_ID?: number | string;
  }
}
