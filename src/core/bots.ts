// Bot filtering: clicks from obvious automation would credit partners for visits no
// person made. Only clear signals count — a false positive loses a real visitor's click. The filter
// protects production numbers, so a loopback API (the local sandbox) takes every click: a
// developer's own automated tests against it are tracked without a switch.

/**
 * `HeadlessChrome` and friends, and the words crawlers put in their user agent. `bot` must end a
 * word (`Googlebot/2.1`, `AhrefsBot;`), so a phone model such as `CUBOT_X30` is not taken for one.
 */
const BOT_UA = /headless|bot\b|crawl|spider|slurp|lighthouse|facebookexternalhit/i;

/**
 * Why this browser looks like a bot (`webdriver`, or the word in its user agent), or null for a
 * person. happy-dom says `webdriver` too, but it is a unit test's page, whose clicks go to its own
 * fetch stand-in: its tests must see what a browser sends.
 */
export function botReason(nav: Pick<Navigator, 'webdriver' | 'userAgent'>): string | null {
  const match = BOT_UA.exec(nav.userAgent);
  return nav.webdriver && !/HappyDOM\//.test(nav.userAgent) ? 'webdriver' : match && match[0];
}

/**
 * An API on this machine (localhost, *.localhost, 127.x, [::1]): the local sandbox, no production
 * numbers. Only the start of the host is checked, which is enough to tell a developer's sandbox
 * from a real API.
 */
export const isLoopbackApi = (api: string) => /^\w+:\/\/([^/]+\.)?(localhost|127\.|\[::1])/.test(api);
