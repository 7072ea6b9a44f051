// `affitor-tracker/server`: record leads, sales and refunds from your backend, read the visitor's
// click id from your own cookies, and keep those cookies alive past Safari's 7-day cap.
import { Affitor } from './client.js';

export { Affitor };
export default Affitor;
export type { AffitorConstructor, CallOptions, Reply, ReplyStyle } from './client.js';
export { AffitorApiError } from './errors.js';
export type { AffitorKeyOptions, AffitorOptions } from './options.js';
export { memoryOutbox } from './outbox.js';
export type { FlushResult, OutboxEntry, OutboxStore } from './outbox.js';
export type {
  ClickInput,
  LeadInput,
  OneSpelling,
  RefundInput,
  SaleInput,
  TrackClickInput,
  TrackClickParams,
  TrackLeadInput,
  TrackLeadParams,
  TrackRefundInput,
  TrackRefundParams,
  TrackSaleInput,
  TrackSaleParams,
} from './inputs.js';
export type {
  AffitorResult,
  AffitorResultCode,
  GateStatus,
  Readiness,
  TestChainStatus,
  TrackClickResponse,
  TrackLeadResponse,
  TrackRefundResponse,
  TrackSaleResponse,
} from './responses.js';
export {
  affitorCookieRefresh,
  clickIdFromCookieHeader,
  clickIdsFromCookieHeader,
  refreshAffitorCookies,
} from './cookies.js';
export { clickIdFrom, clickIdFromRequest, clickIdsFrom } from './click-source.js';
export type { ClickSource, CookieStoreLike, FetchRequestLike, H3EventLike, HeadersLike, NodeRequestLike, RequestHolder } from './click-source.js';
export type { CookieRefreshOptions, RefreshOptions, RequestLike } from './cookies.js';
