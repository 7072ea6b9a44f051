// `doctor`'s checks of a deployed page, each finding with its fix. It only reads: GET the page, GET
// the script, and OPTIONS (a CORS preflight) to the API. It never POSTs, so no click, lead or sale
// is ever recorded by a check.
import { createHash } from 'node:crypto';
import { parse as parseHost } from 'tldts';
import { CliError, EXIT } from '../command.js';
import { connectAllowed, insertedScriptAllowed, parsePolicies, scriptAllowed, trustedTypesPolicyAllowed, type Policy } from './csp.js';
import { readPage, type ScriptTag } from './page.js';

export type FindingStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface Finding {
  /** Stable name: page, tag, program_id, script, core, csp_script, csp_connect, api_base, cors, cookie_domain, debug, other_trackers. */
  check: string;
  status: FindingStatus;
  message: string;
  /** What to change, when the status is warn or fail. */
  fix?: string;
}

export interface DoctorReport {
  /** No finding failed (warnings allowed). */
  ok: boolean;
  /** The page as finally served (after redirects). */
  url: string;
  findings: Finding[];
}

const DEFAULT_API_BASE = 'https://api.affitor.com';
const USER_AGENT = 'affitor-tracker-doctor (+https://www.npmjs.com/package/affitor-tracker)';

/** Affiliate scripts that would track the same visitors beside Affitor's: by script host. */
const OTHER_TRACKERS: Array<{ name: string; hosts: string[] }> = [
  { name: 'Rewardful', hosts: ['r.wdfl.co'] },
  { name: 'Tolt', hosts: ['cdn.tolt.io'] },
  { name: 'FirstPromoter', hosts: ['cdn.firstpromoter.com'] },
  { name: 'Tapfiliate', hosts: ['script.tapfiliate.com', 'static.tapfiliate.com'] },
  { name: 'PartnerStack', hosts: ['snippet.growsumo.com'] },
  { name: 'Dub', hosts: ['www.dubcdn.com', 'dubcdn.com'] },
  { name: 'PromoteKit', hosts: ['cdn.promotekit.com'] },
  { name: 'Partnero', hosts: ['app.partnero.com'] },
];

const SCRIPT_FILE = /(^|\/)affitor-tracker(\.(plus|consent|single))?(\.min)?\.js$/;

/** The file the every-page script loads from beside itself for landings, sign-ups and the rest. */
const CORE_FILE = 'affitor-tracker.core.js';
/** The Trusted Types policy the script loads its core through. */
const TRUSTED_TYPES_POLICY = 'affitor';

function resolveUrl(raw: string, base: URL): URL | null {
  try {
    return new URL(raw, base);
  } catch {
    return null;
  }
}

/** An Affitor tag: the tracker file by name, or a script carrying the program-id attribute. */
function isAffitorTag(tag: ScriptTag, page: URL): boolean {
  if ('data-affitor-program-id' in tag.attributes || 'data-affitor-program' in tag.attributes) return true;
  const url = tag.src ? resolveUrl(tag.src, page) : null;
  return url !== null && SCRIPT_FILE.test(url.pathname);
}

/** The official Affitor SDK packages loaded from a CDN (e.g. unpkg.com/@affitor/tracker). */
function isOfficialSdkScript(tag: ScriptTag, page: URL): boolean {
  const url = tag.src ? resolveUrl(tag.src, page) : null;
  return url !== null && /\/@affitor\//.test(decodeURIComponent(url.pathname));
}

async function request(url: URL, init: RequestInit, timeoutMs: number): Promise<Response> {
  return fetch(url, { ...init, redirect: init.redirect ?? 'follow', signal: AbortSignal.timeout(timeoutMs) });
}

function networkReason(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return 'no answer within the timeout';
  return e?.cause?.code || e?.cause?.message || e?.message || 'network error';
}

/** SRI: the strongest algorithm listed decides; any of its digests may match (W3C SRI §3.3.4). */
function integrityMatches(integrity: string, body: Buffer): { matches: boolean; algorithm?: string; actual?: string } {
  const strength = ['sha256', 'sha384', 'sha512'];
  const tokens = integrity
    .trim()
    .split(/\s+/)
    .map((token) => {
      const dash = token.indexOf('-');
      return { algorithm: token.slice(0, dash).toLowerCase(), digest: token.slice(dash + 1).split('?')[0] };
    })
    .filter((t) => strength.includes(t.algorithm));
  if (tokens.length === 0) return { matches: false };
  const algorithm = tokens.map((t) => t.algorithm).sort((a, b) => strength.indexOf(b) - strength.indexOf(a))[0];
  const actual = createHash(algorithm).update(body).digest('base64');
  return { matches: tokens.some((t) => t.algorithm === algorithm && t.digest === actual), algorithm, actual: `${algorithm}-${actual}` };
}

function allowsOrigin(header: string | null, origin: string): boolean {
  return header !== null && (header.trim() === '*' || header.trim() === origin);
}

function listIncludes(header: string | null, wanted: string): boolean {
  if (header === null) return false;
  const items = header.split(',').map((s) => s.trim().toLowerCase());
  return items.includes('*') || items.includes(wanted.toLowerCase());
}

export interface DiagnoseOptions {
  timeoutMs?: number;
}

/** Reads the page and everything it points at; throws CliError(unreachable) when the page cannot be fetched. */
export async function diagnose(pageAddress: string, options: DiagnoseOptions = {}): Promise<DoctorReport> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const findings: Finding[] = [];
  const add = (finding: Finding) => findings.push(finding);

  let response: Response;
  try {
    response = await request(new URL(pageAddress), { headers: { 'User-Agent': USER_AGENT, Accept: 'text/html' } }, timeoutMs);
  } catch (err) {
    throw new CliError(EXIT.unreachable, 'unreachable', `cannot fetch ${pageAddress}: ${networkReason(err)}. Check the address, and that the site is up and reachable from here.`);
  }
  const page = new URL(response.url || pageAddress);
  const html = await response.text();
  const report = (): DoctorReport => ({ ok: !findings.some((f) => f.status === 'fail'), url: page.href, findings });
  if (!response.ok) {
    add({ check: 'page', status: 'fail', message: `${page.href} answered HTTP ${response.status}`, fix: 'Run doctor on the deployed page your visitors land on (it must answer 200).' });
    return report();
  }
  add({ check: 'page', status: 'pass', message: `${page.href} answered HTTP ${response.status}` });

  const contents = readPage(html);
  const policies: Policy[] = [
    ...parsePolicies(response.headers.get('content-security-policy') ?? '', 'header'),
    ...contents.metaPolicies.flatMap((content) => parsePolicies(content, 'meta')),
  ];

  const affitorTags = contents.scripts.filter((tag) => isAffitorTag(tag, page));
  const officialSdk = contents.scripts.filter((tag) => isOfficialSdkScript(tag, page));
  const tag = affitorTags[0];

  if (affitorTags.length === 0) {
    add({
      check: 'tag',
      status: 'fail',
      message: 'no Affitor script tag in the served HTML',
      fix:
        'Add <script src="https://api.affitor.com/js/affitor-tracker.js" data-affitor-program-id="YOUR_ID"></script> to every page affiliates link to. ' +
        '(If the page loads tracking from its JavaScript bundle — affitor-tracker/react or the ESM library — doctor cannot see it in the HTML.)',
    });
  } else if (affitorTags.length > 1) {
    add({
      check: 'tag',
      status: 'fail',
      message: `${affitorTags.length} Affitor script tags: ${affitorTags.map((t) => t.src ?? '(inline)').join(', ')}`,
      fix: 'Keep exactly one tag per page (e.g. remove the one in the layout or the one the tag manager injects).',
    });
  } else {
    add({ check: 'tag', status: 'pass', message: `one Affitor tag: ${tag.src ?? '(inline)'}` });
  }

  if (tag) {
    checkProgramId(tag, contents.scripts, add);
    const script = await checkScript(tag, page, policies, timeoutMs, add);
    if (script) await checkCore(script, page, policies, timeoutMs, add);
    const apiBase = checkApiBase(tag, page, add);
    if (apiBase) {
      checkConnectPolicy(apiBase, page, policies, add);
      await checkPreflight(apiBase, page, timeoutMs, add);
    }
    checkCookieDomain(tag, page, add);
    if ((tag.attributes['data-affitor-debug'] ?? '').trim().toLowerCase() === 'true') {
      add({
        check: 'debug',
        status: 'warn',
        message: 'debug mode is on (data-affitor-debug="true"): console output and one test pageview per load',
        fix: 'Remove data-affitor-debug (or set it to "false") on the production page.',
      });
    }
  }

  const others = OTHER_TRACKERS.filter((tracker) =>
    contents.scripts.some((s) => {
      const url = s.src ? resolveUrl(s.src, page) : null;
      return url !== null && tracker.hosts.includes(url.hostname.toLowerCase());
    }),
  ).map((t) => t.name);
  if (officialSdk.length > 0) {
    add({
      check: 'other_trackers',
      status: 'fail',
      message: `the official Affitor SDK is loaded as well (${officialSdk.map((s) => s.src).join(', ')})`,
      fix: 'Load one Affitor tracker: two write the same cookies and each sends its own click. Remove the SDK script or the tag.',
    });
  }
  if (others.length > 0) {
    add({
      check: 'other_trackers',
      status: 'warn',
      message: `other affiliate tracking on the page: ${others.join(', ')}`,
      fix: 'If you moved to Affitor, remove the old tracker; if both programs run, make sure partners are not paid twice for one sale.',
    });
  } else if (officialSdk.length === 0) {
    add({ check: 'other_trackers', status: 'pass', message: 'no other affiliate tracker found' });
  }
  return report();
}

function checkProgramId(tag: ScriptTag, scripts: ScriptTag[], add: (f: Finding) => void): void {
  const raw = tag.attributes['data-affitor-program-id'] ?? tag.attributes['data-affitor-program'];
  if (raw !== undefined) {
    const id = Number.parseInt(raw, 10);
    if (Number.isInteger(id) && id > 0) add({ check: 'program_id', status: 'pass', message: `program id ${id}` });
    else add({ check: 'program_id', status: 'fail', message: `the program id ${JSON.stringify(raw)} is not a number`, fix: 'Set data-affitor-program-id to the numeric program id from your Affitor dashboard.' });
    return;
  }
  // window.AFFITOR_PROGRAM_ID set by an inline script: doctor runs no scripts, so it can only see the name.
  if (scripts.some((s) => s.src === null && s.text.includes('AFFITOR_PROGRAM_ID'))) {
    add({ check: 'program_id', status: 'warn', message: 'the program id comes from an inline script (window.AFFITOR_PROGRAM_ID); its value was not checked', fix: 'Prefer data-affitor-program-id on the tag: it cannot be set too late.' });
    return;
  }
  add({ check: 'program_id', status: 'fail', message: 'no program id on the tag', fix: 'Add data-affitor-program-id="YOUR_ID" (from your Affitor dashboard) to the tag; without it leads carry no program.' });
}

/** The script as the browser would get it, when it would run. */
interface DownloadedScript {
  url: URL;
  body: Buffer;
}

async function checkScript(tag: ScriptTag, page: URL, policies: Policy[], timeoutMs: number, add: (f: Finding) => void): Promise<DownloadedScript | null> {
  if (tag.src === null) {
    add({ check: 'script', status: 'skip', message: 'the tracker is inline; nothing to download' });
    return null;
  }
  const url = resolveUrl(tag.src, page);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    add({ check: 'script', status: 'fail', message: `the tag's src ${JSON.stringify(tag.src)} is not a usable URL`, fix: 'Point src at https://api.affitor.com/js/affitor-tracker.js or your own copy.' });
    return null;
  }
  if (page.protocol === 'https:' && url.protocol === 'http:') {
    add({ check: 'script', status: 'fail', message: `the script is loaded over http on an https page (${url.href}): browsers block it`, fix: 'Serve the script over https.' });
    return null;
  }
  const csp = scriptAllowed(policies, url, page, tag.attributes.nonce);
  if (csp.allowed) add({ check: 'csp_script', status: 'pass', message: policies.length ? `the page's CSP allows ${url.origin}` : 'the page sends no Content-Security-Policy' });
  else add({ check: 'csp_script', status: 'fail', message: `the page's CSP blocks the script (${csp.blockedBy})`, fix: `Add ${url.origin} to script-src (or give the tag the page's nonce).` });

  const crossOrigin = url.origin !== page.origin;
  let res: Response;
  try {
    res = await request(url, { headers: { 'User-Agent': USER_AGENT, ...(crossOrigin ? { Origin: page.origin } : {}) } }, timeoutMs);
  } catch (err) {
    add({ check: 'script', status: 'fail', message: `cannot download ${url.href}: ${networkReason(err)}`, fix: 'Check the src address and that the script host is up.' });
    return null;
  }
  if (!res.ok) {
    add({ check: 'script', status: 'fail', message: `${url.href} answered HTTP ${res.status}`, fix: 'Fix the src address (the file must answer 200).' });
    return null;
  }
  const body = Buffer.from(await res.arrayBuffer());
  const type = (res.headers.get('content-type') ?? '').toLowerCase();
  if (!/javascript|ecmascript/.test(type)) {
    add({ check: 'script', status: 'fail', message: `${url.href} is served as ${JSON.stringify(type || 'no Content-Type')}, not JavaScript`, fix: 'Serve the file with Content-Type: text/javascript (browsers with nosniff refuse other types).' });
    return null;
  }
  const integrity = tag.attributes.integrity;
  if (integrity === undefined) {
    add({ check: 'script', status: 'pass', message: `${url.href} answered 200 (${body.length} B); no integrity attribute (right for a copy that Affitor updates; pin a fixed copy with integrity)` });
    return { url, body };
  }
  const sri = integrityMatches(integrity, body);
  if (!sri.matches) {
    add({
      check: 'script',
      status: 'fail',
      message: sri.algorithm ? `the integrity hash does not match the served script: browsers refuse to run it (served: ${sri.actual})` : `the integrity attribute ${JSON.stringify(integrity)} names no sha256/384/512 hash`,
      fix: sri.actual ? `Set integrity="${sri.actual}" for this exact file, or drop integrity if the file changes on updates.` : 'Use the hash from dist/affitor-tracker.js.sri.',
    });
    return null;
  }
  if (crossOrigin && !('crossorigin' in tag.attributes)) {
    add({ check: 'script', status: 'fail', message: 'integrity on a cross-origin script without a crossorigin attribute: browsers cannot check it and block the script', fix: 'Add crossorigin="anonymous" to the tag.' });
    return null;
  }
  if (crossOrigin && !allowsOrigin(res.headers.get('access-control-allow-origin'), page.origin)) {
    add({ check: 'script', status: 'fail', message: `${url.host} sends no Access-Control-Allow-Origin for ${page.origin}: with integrity + crossorigin the browser blocks the script`, fix: 'Serve the script with Access-Control-Allow-Origin: * (or drop integrity).' });
    return null;
  }
  add({ check: 'script', status: 'pass', message: `${url.href} answered 200 and matches its integrity hash (${sri.algorithm})` });
  return { url, body };
}

/**
 * The core the every-page script loads from beside itself (a landing's answer, sign-ups, resends):
 * without it a sign-up on that page is not sent. A single-file variant names no core and is skipped.
 * The browser fetches it as `crossorigin="anonymous"` with the hash the script pins, inserted by the
 * script itself (so a CSP `'strict-dynamic'` allows it) through the Trusted Types policy `affitor`.
 */
async function checkCore(script: DownloadedScript, page: URL, policies: Policy[], timeoutMs: number, add: (f: Finding) => void): Promise<void> {
  const source = script.body.toString('utf8');
  if (!source.includes(CORE_FILE)) {
    add({ check: 'core', status: 'skip', message: `${script.url.pathname} is a single file: it loads no ${CORE_FILE}` });
    return;
  }
  const url = new URL(CORE_FILE, script.url);
  const missing = `Serve ${CORE_FILE} from the same release in the same directory as ${script.url.pathname.split('/').pop()}, or load affitor-tracker.single.js instead (one file).`;
  const csp = insertedScriptAllowed(policies, url, page);
  if (!csp.allowed) {
    add({ check: 'core', status: 'fail', message: `the page's CSP blocks ${url.href}, which the script loads for landings and sign-ups (${csp.blockedBy})`, fix: `Add ${url.origin} to script-src, or use 'strict-dynamic'.` });
    return;
  }
  const trustedTypes = trustedTypesPolicyAllowed(policies, TRUSTED_TYPES_POLICY);
  if (!trustedTypes.allowed) {
    add({
      check: 'core',
      status: 'fail',
      message: `the page's CSP (${trustedTypes.blockedBy}) refuses the Trusted Types policy '${TRUSTED_TYPES_POLICY}' the script loads ${CORE_FILE} through`,
      fix: `Add ${TRUSTED_TYPES_POLICY} to the trusted-types directive.`,
    });
    return;
  }
  const crossOrigin = url.origin !== page.origin;
  let res: Response;
  try {
    res = await request(url, { headers: { 'User-Agent': USER_AGENT, ...(crossOrigin ? { Origin: page.origin } : {}) } }, timeoutMs);
  } catch (err) {
    add({ check: 'core', status: 'fail', message: `cannot download ${url.href}, which the script loads for landings and sign-ups: ${networkReason(err)}`, fix: missing });
    return;
  }
  if (!res.ok) {
    await res.arrayBuffer();
    add({ check: 'core', status: 'fail', message: `${url.href}, which the script loads for landings and sign-ups, answered HTTP ${res.status}: sign-ups made on this site are not sent`, fix: missing });
    return;
  }
  const body = Buffer.from(await res.arrayBuffer());
  const type = (res.headers.get('content-type') ?? '').toLowerCase();
  if (!/javascript|ecmascript/.test(type)) {
    add({ check: 'core', status: 'fail', message: `${url.href} is served as ${JSON.stringify(type || 'no Content-Type')}, not JavaScript`, fix: 'Serve the file with Content-Type: text/javascript.' });
    return;
  }
  const pinned = /sha(256|384|512)-[A-Za-z0-9+/]+={0,2}/.exec(source)?.[0];
  if (pinned && !integrityMatches(pinned, body).matches) {
    add({
      check: 'core',
      status: 'fail',
      message: `${url.href} is not the core this script pins (${pinned}): browsers refuse to run it, so sign-ups are not sent`,
      fix: `Copy ${CORE_FILE} from the same release as the script (a mixed deploy or a stale cache).`,
    });
    return;
  }
  if (crossOrigin && !allowsOrigin(res.headers.get('access-control-allow-origin'), page.origin)) {
    add({ check: 'core', status: 'fail', message: `${url.host} sends no Access-Control-Allow-Origin for ${page.origin}: the browser refuses the integrity-checked core`, fix: `Serve ${CORE_FILE} with Access-Control-Allow-Origin: *.` });
    return;
  }
  add({ check: 'core', status: 'pass', message: `${url.href} answered 200${pinned ? ' and matches the hash the script pins' : ''}` });
}

/** The API base the tag will call, or null when it is unusable (a finding says why). */
function checkApiBase(tag: ScriptTag, page: URL, add: (f: Finding) => void): URL | null {
  const raw = tag.attributes['data-affitor-api-base']?.trim() || DEFAULT_API_BASE;
  const sameOriginPath = raw.startsWith('/') && !raw.startsWith('//');
  const base = resolveUrl(raw.replace(/\/+$/, ''), page);
  if (!base || (!sameOriginPath && !/^https?:\/\//i.test(raw))) {
    add({ check: 'api_base', status: 'fail', message: `data-affitor-api-base ${JSON.stringify(raw)} is neither an absolute URL nor a same-origin path`, fix: 'Use https://api.affitor.com, or a path such as /affitor behind a first-party proxy.' });
    return null;
  }
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(base.hostname) || base.hostname.endsWith('.localhost');
  const pageLocal = ['localhost', '127.0.0.1', '[::1]'].includes(page.hostname) || page.hostname.endsWith('.localhost');
  if (local && !pageLocal) {
    add({ check: 'api_base', status: 'fail', message: `the API base is ${base.origin}, a local sandbox: visitors' browsers cannot reach it`, fix: 'Remove data-affitor-api-base on the deployed page (the default is https://api.affitor.com).' });
    return null;
  }
  if (page.protocol === 'https:' && base.protocol === 'http:') {
    add({ check: 'api_base', status: 'fail', message: `the API base ${base.origin} is http on an https page: browsers block the requests (mixed content)`, fix: 'Use an https API base.' });
    return null;
  }
  add({ check: 'api_base', status: 'pass', message: sameOriginPath ? `API base ${raw} (same origin, through your proxy)` : `API base ${base.origin}${base.pathname === '/' ? '' : base.pathname}` });
  return base;
}

function trackUrl(base: URL, endpoint: string): URL {
  return new URL(`${base.pathname.replace(/\/+$/, '')}/api/v1/track/${endpoint}`, base);
}

function checkConnectPolicy(base: URL, page: URL, policies: Policy[], add: (f: Finding) => void): void {
  const verdict = connectAllowed(policies, trackUrl(base, 'click'), page);
  if (verdict.allowed) add({ check: 'csp_connect', status: 'pass', message: policies.length ? `the page's CSP lets it connect to ${base.origin}` : 'the page sends no Content-Security-Policy' });
  else add({ check: 'csp_connect', status: 'fail', message: `the page's CSP blocks requests to the API (${verdict.blockedBy})`, fix: `Add ${base.origin} to connect-src.` });
}

/** The browser's preflight for the JSON POSTs of click and lead, from the page's origin. OPTIONS only. */
async function checkPreflight(base: URL, page: URL, timeoutMs: number, add: (f: Finding) => void): Promise<void> {
  if (base.origin === page.origin) {
    add({ check: 'cors', status: 'skip', message: 'the API is on the page\'s own origin: no CORS preflight' });
    return;
  }
  for (const endpoint of ['click', 'lead']) {
    const url = trackUrl(base, endpoint);
    let res: Response;
    try {
      res = await request(
        url,
        {
          method: 'OPTIONS',
          redirect: 'manual',
          headers: { Origin: page.origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type', 'User-Agent': USER_AGENT },
        },
        timeoutMs,
      );
    } catch (err) {
      add({ check: 'cors', status: 'fail', message: `the API at ${base.origin} cannot be reached: ${networkReason(err)}`, fix: 'Check data-affitor-api-base and that the API is up.' });
      return;
    }
    await res.arrayBuffer();
    const problems: string[] = [];
    if (res.status < 200 || res.status >= 300) problems.push(`answered HTTP ${res.status}`);
    if (!allowsOrigin(res.headers.get('access-control-allow-origin'), page.origin)) problems.push(`Access-Control-Allow-Origin is ${JSON.stringify(res.headers.get('access-control-allow-origin'))}, not ${page.origin} or *`);
    if (!listIncludes(res.headers.get('access-control-allow-methods'), 'POST')) problems.push('POST is not in Access-Control-Allow-Methods');
    if (!listIncludes(res.headers.get('access-control-allow-headers'), 'content-type')) problems.push('Content-Type is not in Access-Control-Allow-Headers');
    if (problems.length) {
      add({
        check: 'cors',
        status: 'fail',
        message: `the preflight for POST ${url.pathname} from ${page.origin}: ${problems.join('; ')}`,
        fix: 'The API (or the proxy in front of it) must answer OPTIONS with 2xx, Access-Control-Allow-Origin for the page, POST and the Content-Type header.',
      });
      return;
    }
  }
  add({ check: 'cors', status: 'pass', message: `${base.origin} answers the CORS preflight from ${page.origin} (click and lead)` });
}

function checkCookieDomain(tag: ScriptTag, page: URL, add: (f: Finding) => void): void {
  const host = page.hostname.toLowerCase();
  const configured = tag.attributes['data-affitor-cookie-domain']?.trim();
  // Browsers use the whole public-suffix list, private section included (vercel.app, github.io, …).
  const hostInfo = parseHost(host, { allowPrivateDomains: true });
  if (!configured) {
    const note = hostInfo.isPrivate ? ` (${hostInfo.publicSuffix} is a public suffix, so the cookies stay on ${hostInfo.domain ?? host})` : '';
    add({ check: 'cookie_domain', status: 'pass', message: `automatic: the script uses the broadest domain the browser accepts${note}` });
    return;
  }
  const domain = configured.replace(/^\./, '').toLowerCase();
  if (/[;,=\s]/.test(configured)) {
    add({ check: 'cookie_domain', status: 'fail', message: `data-affitor-cookie-domain ${JSON.stringify(configured)} contains ; , = or spaces; the script ignores it`, fix: 'Use a bare domain such as .example.com, or remove the attribute.' });
    return;
  }
  const info = parseHost(domain, { allowPrivateDomains: true });
  if (info.publicSuffix === domain) {
    add({
      check: 'cookie_domain',
      status: 'fail',
      message: `data-affitor-cookie-domain "${configured}" is a public suffix: browsers refuse cookies for it, so attribution is lost`,
      fix: `Remove the attribute (automatic picks ${hostInfo.domain ?? host}), or set it to ${hostInfo.domain ? '.' + hostInfo.domain : 'your own domain'}.`,
    });
    return;
  }
  if (host !== domain && !host.endsWith(`.${domain}`)) {
    add({ check: 'cookie_domain', status: 'fail', message: `data-affitor-cookie-domain "${configured}" does not cover this page's host ${host}: browsers refuse the cookies`, fix: `Set it to .${hostInfo.domain ?? host} or remove it.` });
    return;
  }
  add({ check: 'cookie_domain', status: 'pass', message: `cookie domain ${configured} covers ${host}` });
}
