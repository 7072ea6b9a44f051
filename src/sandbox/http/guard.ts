// Who may talk to the sandbox at all (the Host check), and who may change its data (the Origin
// check). The sandbox runs on a developer's machine while they browse the web, so a page elsewhere
// must neither read its state (DNS rebinding: a foreign name resolved to 127.0.0.1) nor write to it
// (a cross-site form or no-cors fetch).
import type { IncomingMessage } from 'node:http';

/** The request's host name as a browser resolved it (lower case, no port, no trailing dot), or null. */
function hostnameOf(hostHeader: string): string | null {
  let url: URL;
  try {
    url = new URL(`http://${hostHeader}`);
  } catch {
    return null;
  }
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return null;
  return url.hostname.replace(/\.$/, '');
}

/** IPv4 (after the URL parser's normalisation, so `2130706433` counts) or a bracketed IPv6 literal. */
function isIpLiteral(hostname: string): boolean {
  return hostname.startsWith('[') || /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * Loopback names, `*.localhost`, IP literals (no DNS answer is involved, so nothing can rebind) and
 * the configured hosts; a configured `.example.test` also admits its subdomains.
 */
export function isAllowedHost(hostHeader: string | undefined, allowedHosts: readonly string[]): boolean {
  if (!hostHeader) return false;
  // Every request carries the same few Host values: remember the verdicts (bounded, so a flood of
  // made-up hosts cannot grow it).
  let verdicts = verdictsByList.get(allowedHosts);
  if (!verdicts) verdictsByList.set(allowedHosts, (verdicts = new Map()));
  const known = verdicts.get(hostHeader);
  if (known !== undefined) return known;
  const verdict = decideHost(hostHeader, allowedHosts);
  if (verdicts.size < MAX_REMEMBERED_HOSTS) verdicts.set(hostHeader, verdict);
  return verdict;
}

const MAX_REMEMBERED_HOSTS = 100;
const verdictsByList = new WeakMap<readonly string[], Map<string, boolean>>();

function decideHost(hostHeader: string, allowedHosts: readonly string[]): boolean {
  const hostname = hostnameOf(hostHeader);
  if (hostname === null) return false;
  if (hostname === 'localhost' || hostname.endsWith('.localhost') || isIpLiteral(hostname)) return true;
  return allowedHosts.some((entry) => {
    const allowed = entry.toLowerCase();
    return allowed.startsWith('.') ? hostname === allowed.slice(1) || hostname.endsWith(allowed) : hostname === allowed;
  });
}

/**
 * A write to the admin API or the demo backend comes from the sandbox's own pages (same origin) or
 * from a program that sends no Origin (curl, tests, scripts). Browsers send Origin on every POST and
 * DELETE, so a page elsewhere — localhost:3000 included — cannot pass.
 */
export function isSameOriginOrNone(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, file: pages) and garbage
  }
  return url.protocol === 'http:' && req.headers.host !== undefined && url.host === new URL(`http://${req.headers.host}`).host;
}
