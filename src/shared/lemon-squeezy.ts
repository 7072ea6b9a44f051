// How a Lemon Squeezy checkout URL carries custom data, shared by the browser script (which
// decorates checkout links and lemon.js overlay buttons) and the server helper
// (`lemonSqueezyCheckoutUrl`), so the two cannot disagree on the parameter.

/** The query parameter that Lemon Squeezy returns as `meta.custom_data[key]` on the order's webhooks. */
export const lemonSqueezyCustomParam = (key: string) => `checkout[custom][${key}]`;

/** A Lemon Squeezy hosted checkout: `https://<store>.lemonsqueezy.com/buy/<variant>` (or `/checkout/buy/…`). */
export const isLemonSqueezyCheckout = (url: URL) => url.hostname.endsWith('.lemonsqueezy.com') && url.pathname.includes('/buy/');
