// clickIdFrom / clickIdsFrom over the real objects server code holds: Fetch Request and Headers,
// node:http and Express (cookie-parser) requests, Next.js's cookie stores, SvelteKit's cookies,
// h3 1 and 2 events. Each is built by its own library from the same Cookie header.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import cookieParser from 'cookie-parser';
import express from 'express';
import { createApp, createEvent, eventHandler, toNodeListener } from 'h3';
import { H3, type HTTPEvent } from 'h3-v2';
import { RequestCookies } from 'next/dist/compiled/@edge-runtime/cookies';
import { RequestCookiesAdapter } from 'next/dist/server/web/spec-extension/adapters/request-cookies';
// SvelteKit builds `event.cookies` with this (not a public export, so imported by path).
// @ts-expect-error -- plain JS without types
import { get_cookies as svelteKitCookies } from '../../node_modules/@sveltejs/kit/src/runtime/server/cookie.js';
import { describe, expect, it } from 'vitest';
import { clickIdFrom, clickIdFromRequest, clickIdsFrom, type ClickSource } from '../../src/server/index';
import { encodeClickIds, readClickId } from '../../src/shared/cookies';

const HISTORY = encodeClickIds(['cust_1_1', 'cust_2_2']);
const HEADER = `theme=dark; affitor_click_ids=${HISTORY}; affitor_click_id=cust_2_2`;
const LEGACY = 'customer_code=cust%20legacy';

/** Runs `read` on the request a real node:http server receives for a GET with `cookie` (if any). */
async function onNodeRequest<T>(cookie: string | null, read: (req: IncomingMessage, res: ServerResponse) => T | Promise<T>): Promise<T> {
  let result: { value: T } | { error: unknown } | undefined;
  const server = createServer((req, res) => {
    Promise.resolve()
      .then(() => read(req, res))
      .then((value) => (result = { value }), (error: unknown) => (result = { error }))
      .finally(() => res.end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await fetch(`http://127.0.0.1:${port}/`, { headers: cookie === null ? {} : { cookie } });
  await new Promise<void>((r) => server.close(() => r()));
  if (!result) throw new Error('the server saw no request');
  if ('error' in result) throw result.error;
  return result.value;
}

/** What an Express handler, after cookie-parser, reads from its `req`. */
async function onExpressRequest<T>(cookie: string | null, read: (req: express.Request) => T, dropHeader = false): Promise<T> {
  const app = express();
  app.use(cookieParser());
  if (dropHeader) {
    app.use((req, _res, next) => {
      delete req.headers.cookie;
      next();
    });
  }
  let value: T | undefined;
  app.get('/', (req, res) => {
    value = read(req);
    res.end();
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  await fetch(`http://127.0.0.1:${port}/`, { headers: cookie === null ? {} : { cookie } });
  await new Promise<void>((r) => server.close(() => r()));
  return value as T;
}

const nextStore = (cookie: string | null) =>
  RequestCookiesAdapter.seal(new RequestCookies(new Headers(cookie === null ? {} : { cookie })));
const svelteKitStore = (cookie: string | null) =>
  svelteKitCookies(new Request('https://shop.test/signup', { headers: cookie === null ? {} : { cookie } }), new URL('https://shop.test/signup'))
    .cookies as ClickSource;

describe('clickIdFrom / clickIdsFrom: every source gives the same answer as the Cookie header', () => {
  const fetchSources: [string, (cookie: string | null) => ClickSource][] = [
    ['a Cookie header string', (cookie) => cookie],
    ['a Fetch Request', (cookie) => new Request('https://shop.test/', { headers: cookie === null ? {} : { cookie } })],
    ['a Headers', (cookie) => new Headers(cookie === null ? {} : { cookie })],
    ["Next.js's ReadonlyRequestCookies (cookies())", nextStore],
    ["Next.js's RequestCookies (middleware's request.cookies)", (cookie) => new RequestCookies(new Headers(cookie === null ? {} : { cookie }))],
    ["SvelteKit's cookies", svelteKitStore],
    ['Remix / React Router action arguments ({ request })', (cookie) => ({ request: new Request('https://shop.test/', { headers: cookie === null ? {} : { cookie } }), params: {} })],
  ];
  for (const [name, make] of fetchSources) {
    it(name, () => {
      expect(clickIdFrom(make(HEADER))).toBe('cust_2_2');
      expect(clickIdsFrom(make(HEADER))).toEqual(['cust_1_1', 'cust_2_2']);
      expect(clickIdFrom(make(LEGACY))).toBe('cust legacy');
      expect(clickIdFrom(make('theme=dark'))).toBeNull();
      expect(clickIdFrom(make(null))).toBeNull();
      expect(clickIdsFrom(make(null))).toEqual([]);
    });
  }

  it('a real node:http request, and clickIdFromRequest as the same function', async () => {
    expect(clickIdFromRequest).toBe(clickIdFrom);
    expect(await onNodeRequest(HEADER, (req) => [clickIdFrom(req), clickIdsFrom(req)])).toEqual(['cust_2_2', ['cust_1_1', 'cust_2_2']]);
    expect(await onNodeRequest(LEGACY, (req) => clickIdFrom(req))).toBe('cust legacy');
    expect(await onNodeRequest(null, (req) => clickIdFrom(req))).toBeNull();
  });

  it('an Express request after cookie-parser: the header, and req.cookies when the header is gone', async () => {
    expect(await onExpressRequest(HEADER, (req) => [clickIdFrom(req), clickIdsFrom(req)])).toEqual(['cust_2_2', ['cust_1_1', 'cust_2_2']]);
    expect(await onExpressRequest(HEADER, (req) => [clickIdFrom(req), clickIdsFrom(req)], true)).toEqual(['cust_2_2', ['cust_1_1', 'cust_2_2']]);
    expect(await onExpressRequest(LEGACY, (req) => clickIdFrom(req), true)).toBe('cust legacy');
    expect(await onExpressRequest(null, (req) => clickIdFrom(req))).toBeNull();
  });

  it('an h3 1 / Nuxt event (event.node.req), in a real h3 app and from createEvent', async () => {
    const app = createApp();
    let seen: unknown;
    app.use(eventHandler((event) => {
      seen = [clickIdFrom(event), clickIdFrom({ node: event.node }), clickIdsFrom(event)];
      return 'ok';
    }));
    await onNodeRequest(HEADER, (req, res) => new Promise<void>((done) => {
      res.once('finish', () => done());
      toNodeListener(app)(req, res);
    }));
    expect(seen).toEqual(['cust_2_2', 'cust_2_2', ['cust_1_1', 'cust_2_2']]);
    expect(await onNodeRequest(LEGACY, (req, res) => clickIdFrom(createEvent(req, res)))).toBe('cust legacy');
  });

  it("an h3 2 event, and h3 2's minimal HTTPEvent (event.req is a Fetch Request)", async () => {
    const app = new H3().get('/', (event) => {
      const minimal: HTTPEvent = { req: event.req };
      return { id: clickIdFrom(event), ids: clickIdsFrom(event), minimal: clickIdFrom(minimal) };
    });
    const answer = await app.fetch(new Request('http://shop.test/', { headers: { cookie: HEADER } }));
    expect(await answer.json()).toEqual({ id: 'cust_2_2', ids: ['cust_1_1', 'cust_2_2'], minimal: 'cust_2_2' });
  });
});

describe('two cookies of one name', () => {
  const twice = 'affitor_click_id=cust_old; theme=dark; affitor_click_id=cust_new';

  it("a request or header keeps both, and the shared reader's rule picks", async () => {
    const expected = readClickId(twice);
    expect(clickIdFrom(twice)).toBe(expected);
    expect(clickIdFrom(new Request('https://shop.test/', { headers: { cookie: twice } }))).toBe(expected);
    expect(await onNodeRequest(twice, (req) => clickIdFrom(req))).toBe(expected);
  });

  it("a cookie store keeps one value per name: the store's", () => {
    const store = nextStore(twice);
    expect(clickIdFrom(store)).toBe(store.get('affitor_click_id')?.value);
  });
});

describe('sources it cannot read', () => {
  it('a Promise (Next.js 15+ cookies() not awaited) says to await it', async () => {
    const pending = Promise.resolve(nextStore(HEADER));
    expect(() => clickIdFrom(pending as unknown as ClickSource)).toThrow(TypeError);
    expect(() => clickIdFrom(pending as unknown as ClickSource)).toThrow(/got a Promise\. Next\.js 15\+ `cookies\(\)` and `headers\(\)` are async: pass `await cookies\(\)`/);
    expect(clickIdFrom(await pending)).toBe('cust_2_2');
  });

  it('anything else is a TypeError that lists what it takes', () => {
    for (const bad of [42, {}, new Map(), { headers: 'cookie' }, true]) {
      expect(() => clickIdFrom(bad as unknown as ClickSource)).toThrow(/clickIdFrom: cannot read cookies from .*Pass a Fetch Request/);
    }
    expect(() => clickIdsFrom(42 as unknown as ClickSource)).toThrow(/^clickIdsFrom: cannot read cookies from a number/);
  });
});
