// SPA navigation (docs/protocol.md §3.5): pushState/replaceState/popstate call `onNavigate` with the
// new URL; what a navigation means (a new `aff` is a landing) is the caller's business.
import { onHistoryChange } from './history.js';
import { error } from './log.js';

// Page-wide: the history hooks are installed once per page.
/** `referrer_url` of clicks: the document's referrer, then the URL before the last navigation. */
let lastReferrer = '';
let currentUrl = '';

export const referrer = () => lastReferrer;

/** `referrer`: the URL before an SPA navigation the every-page script saw before the core arrived (handover.ts). */
export function watchHistory(onNavigate: (url: string) => void, referrer = document.referrer) {
  lastReferrer = referrer;
  currentUrl = location.href;
  const check = () => {
    try {
      const href = location.href;
      if (href != currentUrl) {
        lastReferrer = currentUrl;
        currentUrl = href;
      }
      onNavigate(href);
    } catch (e) {
      error(e);
    }
  };
  onHistoryChange(check);
}
