// `doctor <url>` against real local servers: a page server (one page per defect, plus a clean one),
// a script host on another origin, the real sandbox as the API, and a bare API that records every
// request (doctor must only ever send OPTIONS there). The command's output and exit codes through
// the real bin; the defect matrix through the same checks in-process (a process start each is slow).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnose, type DoctorReport as Report } from '../../src/cli/doctor/checks';
import { assertBuilt, onlyJson, runCli, startSandboxProcess, type RunningSandboxProcess } from './helpers';

assertBuilt('doctor', 'sandbox');

const script = readFileSync('dist/affitor-tracker.js');
const core = readFileSync('dist/affitor-tracker.core.js');
const single = readFileSync('dist/affitor-tracker.single.js');
const sri = 'sha384-' + createHash('sha384').update(script).digest('base64');

function listen(server: Server): Promise<string> {
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

let sandbox: RunningSandboxProcess;
let pages: Server;
let cdn: Server;
let bareApi: Server;
let pageBase = '';
let cdnBase = '';
let bareApiBase = '';
const bareApiRequests: string[] = [];
const pageDefinitions = new Map<string, { html: string; headers?: Record<string, string> }>();

function page(name: string, body: string, headers?: Record<string, string>): string {
  pageDefinitions.set(name, { html: `<!doctype html><html><head><title>${name}</title>${body}</head><body><h1>Shop</h1></body></html>`, headers });
  return `${pageBase}/${name}`;
}

beforeAll(async () => {
  sandbox = await startSandboxProcess();
  pages = createServer((req, res) => {
    const definition = pageDefinitions.get((req.url ?? '/').slice(1));
    if (!definition) return res.writeHead(404).end('not found');
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', ...definition.headers }).end(definition.html);
  });
  cdn = createServer((req: IncomingMessage, res) => {
    const js = (body: Buffer | string, cors = true) => res.writeHead(200, { 'Content-Type': 'text/javascript', ...(cors ? { 'Access-Control-Allow-Origin': '*' } : {}) }).end(body);
    if (req.url === '/js/affitor-tracker.js') return js(script);
    if (req.url === '/js/affitor-tracker.core.js') return js(core);
    if (req.url === '/js/affitor-tracker.single.js') return js(single);
    // The core missing beside the script, from another release, or without CORS headers.
    if (req.url === '/js/no-core/affitor-tracker.js') return js(script);
    if (req.url === '/js/old-core/affitor-tracker.js') return js(script);
    if (req.url === '/js/old-core/affitor-tracker.core.js') return js(core.toString().replace('affitor', 'Affitor'));
    if (req.url === '/js/core-no-cors/affitor-tracker.js') return js(script);
    if (req.url === '/js/core-no-cors/affitor-tracker.core.js') return js(core, false);
    if (req.url === '/js/no-cors/affitor-tracker.js') return res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script);
    if (req.url === '/js/as-text/affitor-tracker.js') return res.writeHead(200, { 'Content-Type': 'text/plain' }).end(script);
    res.writeHead(404).end();
  });
  // An API that answers everything 200 without any CORS headers, and remembers what it was sent.
  bareApi = createServer((req, res) => {
    bareApiRequests.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
  });
  [pageBase, cdnBase, bareApiBase] = await Promise.all([listen(pages), listen(cdn), listen(bareApi)]);
});

afterAll(async () => {
  await sandbox?.stop();
  await Promise.all([pages, cdn, bareApi].map((s) => new Promise((done) => s?.close(done))));
});

/** A tag that passes every check: pinned copy on the script host, the sandbox as API. */
function goodTag(extra = ''): string {
  return `<script src="${cdnBase}/js/affitor-tracker.js" integrity="${sri}" crossorigin="anonymous" data-affitor-program-id="1" data-affitor-api-base="${sandbox.url}"${extra}></script>`;
}

/** The real command: exit code and its one JSON object. */
async function doctor(url: string): Promise<{ code: number | null; report: Report; stderr: string }> {
  const r = await runCli(['doctor', url, '--json']);
  return { code: r.code, report: onlyJson(r.stdout) as Report, stderr: r.stderr };
}

/** The same checks in this process. */
async function check(url: string): Promise<{ report: Report }> {
  return { report: await diagnose(url) };
}

const finding = (report: Report, check: string) => report.findings.find((f) => f.check === check);

describe('doctor', () => {
  it('a clean page: every check passes, exit 0, and the API saw no click', async () => {
    const url = page('clean', goodTag(), { 'Content-Security-Policy': `default-src 'self'; script-src 'self' ${cdnBase}; connect-src 'self' ${sandbox.url}` });
    const { code, report } = await doctor(url);
    expect(report.findings.filter((f) => f.status !== 'pass'), JSON.stringify(report.findings, null, 1)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(code).toBe(0);
    expect(report.findings.map((f) => f.check)).toEqual(['page', 'tag', 'program_id', 'csp_script', 'script', 'core', 'api_base', 'csp_connect', 'cors', 'cookie_domain', 'other_trackers']);
    expect(finding(report, 'script')?.message).toMatch(/matches its integrity hash \(sha384\)/);
    expect(finding(report, 'core')?.message).toMatch(/affitor-tracker\.core\.js answered 200 and matches the hash the script pins/);
    const state = (await (await fetch(`${sandbox.url}/sandbox/state`)).json()) as { events: unknown[] };
    expect(state.events).toEqual([]);
  });

  it('human output names each finding and its fix', async () => {
    const url = page('human-no-id', `<script src="${cdnBase}/js/affitor-tracker.js" data-affitor-api-base="${sandbox.url}"></script>`);
    const r = await runCli(['doctor', url]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL\s+program_id\s+no program id on the tag/);
    expect(r.stdout).toMatch(/fix: Add data-affitor-program-id/);
  });

  it('no tag, and two tags, fail the tag check; a tag inside an HTML comment or <template> is not one', async () => {
    const none = await check(page('no-tag', '<script src="/app.js"></script>'));
        expect(finding(none.report, 'tag')).toMatchObject({ status: 'fail', message: 'no Affitor script tag in the served HTML' });

    const twice = await check(page('two-tags', goodTag() + `<script src="https://api.affitor.com/js/affitor-tracker.js" data-affitor-program-id="1"></script>`));
    expect(finding(twice.report, 'tag')).toMatchObject({ status: 'fail', message: expect.stringMatching(/^2 Affitor script tags/) });

    const commented = await check(page('commented', `<!-- ${goodTag()} --><template>${goodTag()}</template>${goodTag()}`));
    expect(finding(commented.report, 'tag')).toMatchObject({ status: 'pass' });
  });

  it('a program id that is not a number fails', async () => {
    const { report } = await check(page('bad-id', goodTag().replace('data-affitor-program-id="1"', 'data-affitor-program-id="YOUR_PROGRAM_ID"')));
    expect(finding(report, 'program_id')).toMatchObject({ status: 'fail', message: expect.stringMatching(/not a number/) });
  });

  it('an integrity hash that does not match the served script fails, and the fix gives the right hash', async () => {
    const wrong = 'sha384-' + createHash('sha384').update('other').digest('base64');
    const { report } = await check(page('bad-sri', goodTag().replace(sri, wrong)));
        expect(finding(report, 'script')).toMatchObject({ status: 'fail', fix: expect.stringContaining(sri) });
  });

  it('integrity on a cross-origin script needs crossorigin and CORS headers on the script', async () => {
    const noAttribute = await check(page('sri-no-crossorigin', goodTag().replace(' crossorigin="anonymous"', '')));
    expect(finding(noAttribute.report, 'script')).toMatchObject({ status: 'fail', message: expect.stringMatching(/without a crossorigin attribute/) });
    const noHeader = await check(page('sri-no-acao', goodTag().replace('/js/affitor-tracker.js', '/js/no-cors/affitor-tracker.js')));
    expect(finding(noHeader.report, 'script')).toMatchObject({ status: 'fail', message: expect.stringMatching(/no Access-Control-Allow-Origin/) });
  });

  it('a script that is missing (404) or not served as JavaScript fails', async () => {
    const missing = await check(page('script-404', goodTag().replace('/js/affitor-tracker.js', '/js/missing/affitor-tracker.js')));
    expect(finding(missing.report, 'script')).toMatchObject({ status: 'fail', message: expect.stringMatching(/answered HTTP 404/) });
    const text = await check(page('script-text', goodTag().replace('/js/affitor-tracker.js', '/js/as-text/affitor-tracker.js')));
    expect(finding(text.report, 'script')).toMatchObject({ status: 'fail', message: expect.stringMatching(/not JavaScript/) });
  });

  it('the core beside the script: missing, from another release, or without CORS headers fails; a single file has none', async () => {
    const tagFrom = (dir: string) => goodTag().replace(`integrity="${sri}" `, '').replace('/js/affitor-tracker.js', `/js/${dir}/affitor-tracker.js`);
    const missing = await doctor(page('core-404', tagFrom('no-core')));
    expect(finding(missing.report, 'script')).toMatchObject({ status: 'pass' });
    expect(finding(missing.report, 'core')).toMatchObject({ status: 'fail', message: expect.stringMatching(/no-core\/affitor-tracker\.core\.js, which the script loads for landings and sign-ups, answered HTTP 404/), fix: expect.stringContaining('affitor-tracker.single.js') });
    expect(missing.code).toBe(1);
    const stale = await check(page('core-stale', tagFrom('old-core')));
    expect(finding(stale.report, 'core')).toMatchObject({ status: 'fail', message: expect.stringMatching(/is not the core this script pins \(sha384-/) });
    const noCors = await check(page('core-no-cors', tagFrom('core-no-cors')));
    expect(finding(noCors.report, 'core')).toMatchObject({ status: 'fail', message: expect.stringMatching(/no Access-Control-Allow-Origin/) });
    const oneFile = await check(page('single-file', goodTag().replace(`integrity="${sri}" `, '').replace('/js/affitor-tracker.js', '/js/affitor-tracker.single.js')));
    expect(finding(oneFile.report, 'tag')).toMatchObject({ status: 'pass' });
    expect(finding(oneFile.report, 'core')).toMatchObject({ status: 'skip' });
  });

  it("the page's CSP and the core: an allow-list without its origin or a trusted-types list without 'affitor' fails; 'strict-dynamic' allows it", async () => {
    const nonceTag = goodTag(' nonce="n0nce"');
    const strictDynamic = await check(page('core-strict-dynamic', nonceTag, { 'Content-Security-Policy': `script-src 'nonce-n0nce' 'strict-dynamic'; connect-src ${sandbox.url}` }));
    expect(finding(strictDynamic.report, 'csp_script')).toMatchObject({ status: 'pass' });
    expect(finding(strictDynamic.report, 'core')).toMatchObject({ status: 'pass' });
    const nonceOnly = await check(page('core-nonce-only', nonceTag, { 'Content-Security-Policy': `script-src 'nonce-n0nce'; connect-src ${sandbox.url}` }));
    expect(finding(nonceOnly.report, 'csp_script')).toMatchObject({ status: 'pass' });
    expect(finding(nonceOnly.report, 'core')).toMatchObject({ status: 'fail', fix: `Add ${cdnBase} to script-src, or use 'strict-dynamic'.` });
    const otherPolicies = await check(page('core-trusted-types', goodTag(), { 'Content-Security-Policy': `script-src ${cdnBase}; connect-src ${sandbox.url}; trusted-types app-policy` }));
    expect(finding(otherPolicies.report, 'core')).toMatchObject({ status: 'fail', fix: 'Add affitor to the trusted-types directive.' });
    const listed = await check(page('core-trusted-types-listed', goodTag(), { 'Content-Security-Policy': `script-src ${cdnBase}; connect-src ${sandbox.url}; trusted-types app-policy affitor` }));
    expect(finding(listed.report, 'core')).toMatchObject({ status: 'pass' });
  });

  it("the page's CSP: connect-src in the header, connect-src in a <meta>, and script-src each block", async () => {
    const header = await check(page('csp-header', goodTag(), { 'Content-Security-Policy': `script-src ${cdnBase}; connect-src 'self'` }));
    expect(finding(header.report, 'csp_connect')).toMatchObject({ status: 'fail', message: expect.stringContaining("header connect-src 'self'"), fix: `Add ${sandbox.url} to connect-src.` });
    expect(finding(header.report, 'csp_script')).toMatchObject({ status: 'pass' });

    const meta = await check(page('csp-meta', `<meta http-equiv="Content-Security-Policy" content="default-src 'self' ${cdnBase}">${goodTag()}`));
    expect(finding(meta.report, 'csp_connect')).toMatchObject({ status: 'fail', message: expect.stringContaining('meta default-src') });

    const scriptBlocked = await check(page('csp-script', goodTag(), { 'Content-Security-Policy': `script-src 'self'; connect-src ${sandbox.url}` }));
    expect(finding(scriptBlocked.report, 'csp_script')).toMatchObject({ status: 'fail', fix: `Add ${cdnBase} to script-src (or give the tag the page's nonce).` });
    expect(finding(scriptBlocked.report, 'csp_connect')).toMatchObject({ status: 'pass' });
  });

  it('an API that does not answer the CORS preflight fails, and it only ever received OPTIONS', async () => {
    const { report } = await check(page('no-cors', goodTag().replace(`data-affitor-api-base="${sandbox.url}"`, `data-affitor-api-base="${bareApiBase}"`)));
    expect(finding(report, 'cors')).toMatchObject({ status: 'fail', message: expect.stringMatching(/Access-Control-Allow-Origin is null/) });
    expect(bareApiRequests.length).toBeGreaterThan(0);
    expect(bareApiRequests.every((r) => r.startsWith('OPTIONS '))).toBe(true);
  });

  it('an unreachable API fails the preflight check', async () => {
    const { report } = await check(page('api-down', goodTag().replace(`data-affitor-api-base="${sandbox.url}"`, 'data-affitor-api-base="http://127.0.0.1:9"')));
    expect(finding(report, 'cors')).toMatchObject({ status: 'fail', message: expect.stringMatching(/cannot be reached/) });
  });

  it('a cookie domain set to a public suffix (private section too: vercel.app), or not covering the host, fails', async () => {
    for (const suffix of ['.vercel.app', '.github.io', '.co.uk']) {
      const { report } = await check(page(`suffix${suffix}`, goodTag(` data-affitor-cookie-domain="${suffix}"`)));
      expect(finding(report, 'cookie_domain'), suffix).toMatchObject({ status: 'fail', message: expect.stringMatching(/is a public suffix/) });
    }
    const foreign = await check(page('foreign-domain', goodTag(' data-affitor-cookie-domain=".example.com"')));
    expect(finding(foreign.report, 'cookie_domain')).toMatchObject({ status: 'fail', message: expect.stringMatching(/does not cover this page's host 127\.0\.0\.1/) });
  });

  it('other trackers: Rewardful is a warning (exit 0), the official Affitor SDK beside the tag fails', async () => {
    const rewardful = await doctor(page('rewardful', goodTag() + `<script async src="https://r.wdfl.co/rw.js" data-rewardful="abc"></script>`));
    expect(finding(rewardful.report, 'other_trackers')).toMatchObject({ status: 'warn', message: expect.stringContaining('Rewardful') });
    expect(rewardful.code).toBe(0);
    const official = await doctor(page('official', goodTag() + `<script src="https://unpkg.com/@affitor/tracker@1/dist/index.global.js"></script>`));
    expect(finding(official.report, 'other_trackers')).toMatchObject({ status: 'fail' });
    expect(official.code).toBe(1);
  });

  it('a page that cannot be fetched exits 4; a page answering 404 fails (exit 1)', async () => {
    const down = await runCli(['doctor', 'http://127.0.0.1:9/', '--json']);
    expect(down.code).toBe(4);
    expect(onlyJson(down.stdout)).toMatchObject({ ok: false, error: { code: 'unreachable' } });
    const missing = await doctor(`${pageBase}/no-such-page`);
    expect(missing.code).toBe(1);
    expect(finding(missing.report, 'page')).toMatchObject({ status: 'fail', message: expect.stringMatching(/HTTP 404/) });
  });

  it('without a URL: usage, exit 2', async () => {
    const r = await runCli(['doctor']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/expected 1 argument/);
  });
});
