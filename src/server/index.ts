// `affitor-tracker/server`: record leads, sales and refunds from your backend, read the visitor's
// click id from your own cookies, and keep those cookies alive past Safari's 7-day cap.
import { Affitor } from './client.js';

export { Affitor };
export default Affitor;
export type {
  AffitorOptions,
  AffitorResult,
  AffitorResultCode,
  TrackClickInput,
  TrackLeadInput,
  TrackRefundInput,
  TrackSaleInput,
} from './client.js';
export {
  affitorCookieRefresh,
  clickIdFromCookieHeader,
  clickIdFromRequest,
  clickIdsFromCookieHeader,
  refreshAffitorCookies,
} from './cookies.js';
export type { CookieRefreshOptions, RefreshOptions, RequestLike } from './cookies.js';
