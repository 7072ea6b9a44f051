// Reading the visitor's click id from whatever the server code at hand holds: a Fetch Request, a
// Node/Express request, a framework's cookie store or event. Every shape is turned into one Cookie
// header and read with the script's own reader (src/shared/cookies.ts), so the rules for the legacy
// name and for two cookies of one name are the same everywhere.
import { readClickId, readClickIds } from '../shared/cookies.js';

/** Anything with the Fetch `Headers` getter: `Headers`, Next.js's `headers()`. */
export interface HeadersLike {
  get(name: string): string | null;
}

/** A Fetch `Request` (route handlers, Hono, Workers, Deno, Bun, Remix / React Router, SvelteKit). */
export interface FetchRequestLike {
  headers: HeadersLike;
}

/** Node's `IncomingMessage` / an Express or Fastify request; `cookies` is what cookie-parser fills in. */
export interface NodeRequestLike {
  headers: Record<string, string | string[] | undefined>;
  cookies?: Record<string, unknown>;
}

/**
 * A parsed cookie store: Next.js's `cookies()` (awaited on Next 15+), SvelteKit's `cookies`.
 * Such a store keeps one value per name, so where the browser sent two cookies of one name only the
 * store's choice is left to read; a request or a Cookie header keeps both.
 */
export interface CookieStoreLike {
  getAll(): ReadonlyArray<{ name: string; value: string }>;
}

/** An h3 / Nuxt event (`event.node.req` in h3 1, `event.req` in h3 2). */
export type H3EventLike = { node: { req: NodeRequestLike } } | { req: FetchRequestLike };

/** What gives the whole request: Remix / React Router action arguments, SvelteKit's `RequestEvent`. */
export interface RequestHolder {
  request: FetchRequestLike;
}

/**
 * Everything {@link clickIdFrom} reads. A Cookie header string may be `null`/`undefined` (absent),
 * which reads as no click.
 */
export type ClickSource =
  | string
  | null
  | undefined
  | HeadersLike
  | FetchRequestLike
  | NodeRequestLike
  | CookieStoreLike
  | H3EventLike
  | RequestHolder;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const hasMethod = (value: unknown, name: string): boolean => isObject(value) && typeof value[name] === 'function';

/** A cookie store's entries as a Cookie header the shared reader decodes back to the same values. */
const headerOfEntries = (entries: Iterable<[string, unknown]>): string =>
  Array.from(entries)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join('; ');

/** The Cookie header `source` carries ('' when none), or a TypeError naming `caller` for a shape it is not. */
function cookieHeaderFrom(source: unknown, caller: string): string {
  if (typeof source === 'string') return source;
  if (source === null || source === undefined) return '';
  if (hasMethod(source, 'then')) {
    throw new TypeError(
      `${caller}: got a Promise. Next.js 15+ \`cookies()\` and \`headers()\` are async: pass \`await cookies()\`.`,
    );
  }
  // A cookie store before Headers: both have get(), only the store has getAll() (Headers' is long gone).
  if (hasMethod(source, 'getAll')) {
    const all = (source as CookieStoreLike).getAll();
    if (Array.isArray(all)) return headerOfEntries(all.filter(isObject).map((c) => [String(c.name), c.value]));
  }
  if (hasMethod(source, 'get')) {
    // Headers answer a string or null; anything else (a Map, Astro's cookies) is not a Headers.
    const header: unknown = (source as HeadersLike).get('cookie');
    if (typeof header === 'string') return header;
    if (header === null) return '';
  }
  if (isObject(source)) {
    const holder = source;
    // h3 2's event.req before its deprecated event.headers.
    if (isObject(holder.req) && hasMethod(holder.req.headers, 'get')) return cookieHeaderFrom(holder.req, caller);
    const { headers } = holder;
    if (hasMethod(headers, 'get')) return cookieHeaderFrom(headers, caller);
    if (isObject(headers)) {
      const header = headers.cookie;
      if (typeof header === 'string' && header) return header;
      if (Array.isArray(header)) return header.join('; ');
      // Only when the header is gone: cookie-parser leaves it in place, and it keeps duplicates.
      return isObject(holder.cookies) ? headerOfEntries(Object.entries(holder.cookies)) : '';
    }
    if (isObject(holder.node) && isObject(holder.node.req)) return cookieHeaderFrom(holder.node.req, caller);
    if (isObject(holder.request) && hasMethod(holder.request.headers, 'get')) return cookieHeaderFrom(holder.request, caller);
  }
  throw new TypeError(
    `${caller}: cannot read cookies from ${describe(source)}. Pass a Fetch Request or Headers, a Cookie header string, ` +
      "a Node/Express request, Next.js's `await cookies()`, SvelteKit's `cookies`, or an h3/Nuxt event.",
  );
}

function describe(value: unknown): string {
  if (!isObject(value)) return `a ${typeof value}`;
  const name = (value.constructor as { name?: unknown } | undefined)?.name;
  const keys = Object.keys(value).slice(0, 5);
  return `${typeof name === 'string' && name !== 'Object' ? `a ${name}` : 'an object'}${keys.length ? ` with keys ${keys.join(', ')}` : ''}`;
}

/**
 * The visitor's click id from any server-side source (see {@link ClickSource}): `affitor_click_id`,
 * else the legacy `customer_code`, URI-decoded; `null` when there is none. Where the browser sent
 * two cookies of that name, the rule of the script's own reader decides (protocol §4.2).
 * Throws a TypeError for a value it cannot read cookies from (a Promise: await it first).
 *
 * ```ts
 * clickIdFrom(request)          // Fetch Request: route handlers, Remix, SvelteKit, Workers
 * clickIdFrom(req)              // Node / Express
 * clickIdFrom(await cookies())  // Next.js server actions and server components
 * clickIdFrom(event.cookies)    // SvelteKit actions
 * clickIdFrom(event)            // h3 / Nuxt server routes
 * ```
 */
export function clickIdFrom(source: ClickSource): string | null {
  return readClickId(cookieHeaderFrom(source, 'clickIdFrom'));
}

/** The click-id history (oldest → newest, ≤20, the current id last), from the same sources as {@link clickIdFrom}. */
export function clickIdsFrom(source: ClickSource): string[] {
  return readClickIds(cookieHeaderFrom(source, 'clickIdsFrom'));
}

/** {@link clickIdFrom}, under the name it had when it read requests only. */
export const clickIdFromRequest = clickIdFrom;
