// Content-Security-Policy: does a page's policy let the browser load the tracker script and send
// its requests? Source-expression matching as CSP Level 3 ("Does url match expression in origin")
// describes it, for the directives the tracker needs: connect-src and script-src(-elem), each
// falling back to default-src.

export interface Policy {
  /** Where it came from, for the finding: `header` or `meta`. */
  source: 'header' | 'meta';
  /** Directive name (lower case) → its source list, as written. */
  directives: Map<string, string[]>;
}

export function parsePolicies(value: string, source: Policy['source']): Policy[] {
  // A header may carry several policies separated by commas (also how fetch joins repeated headers).
  return value
    .split(',')
    .map((policy) => {
      const directives = new Map<string, string[]>();
      for (const part of policy.split(';')) {
        const [name, ...sources] = part.trim().split(/\s+/);
        // The first occurrence of a directive wins; later duplicates are ignored (CSP Level 3, section 2.2.1).
        if (name && !directives.has(name.toLowerCase())) directives.set(name.toLowerCase(), sources);
      }
      return { source, directives };
    })
    .filter((policy) => policy.directives.size > 0);
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443' };

function schemeMatches(expressionScheme: string, urlScheme: string): boolean {
  // http: in a policy also allows the secure upgrade (https:), ws: allows wss:.
  if (expressionScheme === urlScheme) return true;
  return (expressionScheme === 'http:' && urlScheme === 'https:') || (expressionScheme === 'ws:' && urlScheme === 'wss:');
}

/** Whether one source expression allows `url` on a page at `pageOrigin`. */
export function expressionAllows(expression: string, url: URL, pageOrigin: URL): boolean {
  const lower = expression.toLowerCase();
  if (lower === "'none'") return false;
  if (lower === '*') return ['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol) || url.protocol === pageOrigin.protocol;
  if (lower === "'self'") {
    if (url.host === pageOrigin.host && url.protocol === pageOrigin.protocol) return true;
    // The secure upgrade of the page's own origin counts as 'self'.
    return url.hostname === pageOrigin.hostname && pageOrigin.protocol === 'http:' && url.protocol === 'https:' && (url.port === '' || url.port === '443');
  }
  if (lower.startsWith("'")) return false; // nonces, hashes, keywords: not a location
  if (/^[a-z][a-z0-9+.-]*:$/.test(lower)) return schemeMatches(lower, url.protocol);

  const hostSource = /^(?:([a-z][a-z0-9+.-]*:)\/\/)?(\*|(?:\*\.)?[a-z0-9.-]+)(?::(\*|\d+))?(\/.*)?$/.exec(lower);
  if (!hostSource) return false;
  const [, scheme, host, port, path] = hostSource;
  if (scheme ? !schemeMatches(scheme, url.protocol) : !schemeMatches(pageOrigin.protocol, url.protocol)) return false;
  const urlHost = url.hostname.toLowerCase();
  if (host === '*') {
    // a bare `*` host with a scheme or port: any host
  } else if (host.startsWith('*.')) {
    if (!urlHost.endsWith(host.slice(1))) return false;
  } else if (host !== urlHost) {
    return false;
  }
  if (port !== '*') {
    const urlPort = url.port || DEFAULT_PORTS[url.protocol];
    const wanted = port ?? DEFAULT_PORTS[scheme ?? url.protocol];
    // An expression without a port written for http also allows the upgrade to https on 443.
    const upgraded = port === undefined && scheme === 'http:' && url.protocol === 'https:' && urlPort === '443';
    if (urlPort !== wanted && !upgraded) return false;
  }
  if (path && path !== '/') {
    const urlPath = decodeURIComponent(url.pathname);
    if (path.endsWith('/') ? !urlPath.startsWith(path) : urlPath !== path) return false;
  }
  return true;
}

/** The source list that governs `directive`, after the fallback chain; null when nothing restricts it. */
function governing(policy: Policy, chain: string[]): { directive: string; sources: string[] } | null {
  for (const directive of chain) {
    const sources = policy.directives.get(directive);
    if (sources) return { directive, sources };
  }
  return null;
}

export interface PolicyVerdict {
  allowed: boolean;
  /** The policy and directive that blocks, e.g. `header connect-src 'self'`. */
  blockedBy?: string;
}

/** connect-src (else default-src) of every policy must allow the URL: each policy is enforced on its own. */
export function connectAllowed(policies: Policy[], url: URL, pageOrigin: URL): PolicyVerdict {
  for (const policy of policies) {
    const rule = governing(policy, ['connect-src', 'default-src']);
    if (rule && !rule.sources.some((s) => expressionAllows(s, url, pageOrigin))) {
      return { allowed: false, blockedBy: `${policy.source} ${rule.directive} ${rule.sources.join(' ')}` };
    }
  }
  return { allowed: true };
}

/** script-src-elem → script-src → default-src; a matching nonce allows, 'strict-dynamic' disables the allow-list. */
export function scriptAllowed(policies: Policy[], url: URL, pageOrigin: URL, nonce: string | undefined): PolicyVerdict {
  for (const policy of policies) {
    const rule = governing(policy, ['script-src-elem', 'script-src', 'default-src']);
    if (!rule) continue;
    const lower = rule.sources.map((s) => s.toLowerCase());
    const nonceMatches = nonce !== undefined && rule.sources.includes(`'nonce-${nonce}'`);
    const allowed = nonceMatches || (!lower.includes("'strict-dynamic'") && rule.sources.some((s) => expressionAllows(s, url, pageOrigin)));
    if (!allowed) return { allowed: false, blockedBy: `${policy.source} ${rule.directive} ${rule.sources.join(' ')}` };
  }
  return { allowed: true };
}

/**
 * A script the tracker inserts itself (its core): no nonce, so the allow-list decides, unless
 * 'strict-dynamic' passes the trust of the (allowed) tag on to the scripts it inserts.
 */
export function insertedScriptAllowed(policies: Policy[], url: URL, pageOrigin: URL): PolicyVerdict {
  for (const policy of policies) {
    const rule = governing(policy, ['script-src-elem', 'script-src', 'default-src']);
    if (!rule) continue;
    const strictDynamic = rule.sources.some((s) => s.toLowerCase() === "'strict-dynamic'");
    if (!strictDynamic && !rule.sources.some((s) => expressionAllows(s, url, pageOrigin))) {
      return { allowed: false, blockedBy: `${policy.source} ${rule.directive} ${rule.sources.join(' ')}` };
    }
  }
  return { allowed: true };
}

/** A `trusted-types` directive of every policy must list the policy name (or `*`) for `createPolicy(name)` to succeed. */
export function trustedTypesPolicyAllowed(policies: Policy[], name: string): PolicyVerdict {
  for (const policy of policies) {
    const names = policy.directives.get('trusted-types');
    if (names && !names.some((n) => n === '*' || n === name)) return { allowed: false, blockedBy: `${policy.source} trusted-types ${names.join(' ')}` };
  }
  return { allowed: true };
}
