// SPA navigation (contract §3.5): pushState/replaceState/popstate to a URL with a new `aff` is a
// landing; any other navigation costs one string test and no request.
import { parseAff } from './aff.js';
import { attribute, lastAff } from './click.js';
import { error } from './log.js';

/** `referrer_url` of clicks: the document's referrer, then the URL before the last navigation. */
export let referrer = '';
let currentUrl = '';

export function watchHistory() {
  referrer = document.referrer;
  currentUrl = location.href;
  const check = () => {
    try {
      const href = location.href;
      if (href != currentUrl) {
        referrer = currentUrl;
        currentUrl = href;
      }
      const aff = parseAff(href);
      if (aff && aff != lastAff) attribute(aff);
    } catch (e) {
      error(e);
    }
  };
  (['pushState', 'replaceState'] as const).forEach((name) => {
    const original = history[name];
    // The page's own call behaves exactly as before: same `this`, arguments, result and errors.
    history[name] = function (this: History, ...args: Parameters<History['pushState']>) {
      const result = original.apply(this, args);
      check();
      return result;
    };
  });
  addEventListener('popstate', check);
}
