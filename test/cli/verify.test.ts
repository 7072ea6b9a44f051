// `verify` through the real bin against the real sandbox (random port): the test chain, every
// readiness gate, and the distinct failures — a wrong key, an unreachable API, an API without
// readiness — each with its own message and exit code.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, clickFromTheScript, onlyJson, runCli, startSandboxProcess, type RunningSandboxProcess } from './helpers';

assertBuilt('verify', 'sandbox');

interface Gate {
  name: string;
  status: 'pass' | 'fail' | 'unknown';
  detail?: string;
  next_action?: string;
}
interface Report {
  ok: boolean;
  api: string;
  program_id: number;
  state?: string;
  gates: Gate[];
}
interface SandboxState {
  events: Array<{ type: string; is_test: number | boolean }>;
  customers: unknown[];
  commissions: unknown[];
}

let sandbox: RunningSandboxProcess;
let noReadiness: Server;
let noReadinessUrl = '';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

async function sandboxState(url: string): Promise<SandboxState> {
  return (await (await fetch(`${url}/sandbox/state`)).json()) as SandboxState;
}

beforeAll(async () => {
  sandbox = await startSandboxProcess();
  await clickFromTheScript(sandbox.url);
  // Answers like a web server that is not an Affitor API: 404 for everything.
  noReadiness = createServer((_req, res) => res.writeHead(404, { 'Content-Type': 'text/html' }).end('<h1>Not found</h1>'));
  await new Promise<void>((done) => noReadiness.listen(0, '127.0.0.1', done));
  noReadinessUrl = `http://127.0.0.1:${(noReadiness.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await sandbox?.stop();
  await new Promise((done) => noReadiness?.close(done));
});

describe('verify', () => {
  it('against a sandbox: the chain in test mode and every readiness gate pass, exit 0; only test events were stored', async () => {
    const before = await sandboxState(sandbox.url);
    const r = await runCli(['verify', '--api', sandbox.url, '--key', sandbox.apiKey, '--json']);
    const report = onlyJson(r.stdout) as Report;
    expect(report.gates.filter((g) => g.status !== 'pass'), JSON.stringify(report, null, 1)).toEqual([]);
    expect(r.code).toBe(0);
    expect(report).toMatchObject({ ok: true, api: sandbox.url, program_id: 1 });
    expect(report.gates.map((g) => g.name)).toEqual(['test_click', 'test_lead', 'test_sale', 'test_refund', 'profile', 'economics', 'payout', 'tracking', 'live']);
    const after = await sandboxState(sandbox.url);
    const added = after.events.slice(0, after.events.length - before.events.length);
    expect(added.map((e) => e.type).sort()).toEqual(['click', 'lead', 'refund', 'sale']);
    expect(added.every((e) => Boolean(e.is_test))).toBe(true);
    expect(after.customers.length).toBe(before.customers.length);
    expect(after.commissions.length).toBe(before.commissions.length);
  });

  it('prints each gate in a terminal-friendly list without --json', async () => {
    const r = await runCli(['verify', '--api', sandbox.url, '--key', sandbox.apiKey]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\s+pass\s+test_click/m);
    expect(r.stdout).toMatch(/^\s+pass\s+live\s+test chain: click attributed/m);
    expect(r.stdout).toMatch(/Every gate passes\./);
  });

  it('a wrong key: exit 3 with its own message, before any test event is sent', async () => {
    const before = await sandboxState(sandbox.url);
    const r = await runCli(['verify', '--api', sandbox.url, '--key', 'affitor_wrong_key_0000', '--json']);
    expect(r.code).toBe(3);
    expect(onlyJson(r.stdout)).toMatchObject({ ok: false, error: { code: 'unauthorized', message: expect.stringMatching(/refused the API key .*--key/) } });
    expect((await sandboxState(sandbox.url)).events.length).toBe(before.events.length);
    const plain = await runCli(['verify', '--api', sandbox.url, '--key', 'affitor_wrong_key_0000']);
    expect(plain.code).toBe(3);
    expect(plain.stderr).toMatch(/^affitor-tracker verify: .* refused the API key/);
  });

  it('an API that answers 403 (the key refused for this program): exit 3 too, not a generic API error', async () => {
    const forbidden = createServer((_req, res) => res.writeHead(403, { 'Content-Type': 'application/json' }).end('{"error":"Forbidden"}'));
    await new Promise<void>((done) => forbidden.listen(0, '127.0.0.1', done));
    try {
      const url = `http://127.0.0.1:${(forbidden.address() as AddressInfo).port}`;
      const r = await runCli(['verify', '--api', url, '--key', 'affitor_other_program_0', '--json']);
      expect(r.code).toBe(3);
      expect(onlyJson(r.stdout)).toMatchObject({ ok: false, error: { code: 'unauthorized', message: expect.stringMatching(/refused the API key .*--key/) } });
    } finally {
      await new Promise((done) => forbidden.close(done));
    }
  });

  it('an unreachable API: exit 4', async () => {
    const r = await runCli(['verify', '--api', `http://127.0.0.1:${await freePort()}`, '--key', 'affitor_any_key_000', '--json']);
    expect(r.code).toBe(4);
    expect(onlyJson(r.stdout)).toMatchObject({ ok: false, error: { code: 'unreachable', message: expect.stringMatching(/cannot reach/) } });
  });

  it('an address that is not an Affitor API (no readiness): exit 5', async () => {
    const r = await runCli(['verify', '--api', noReadinessUrl, '--key', 'affitor_any_key_000', '--json']);
    expect(r.code).toBe(5);
    expect(onlyJson(r.stdout)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/Is --api an Affitor API base\?/) } });
  });

  it('--api that is not a URL, or --api without a key for a non-sandbox: usage, exit 2', async () => {
    expect((await runCli(['verify', '--api', 'localhost:8787'])).code).toBe(2);
    const noKey = await runCli(['verify', '--api', noReadinessUrl], { env: { AFFITOR_API_KEY: '' } });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/pass --key/);
  });

  it('without --api: finds the sandbox running on its port and reads its key from it', async () => {
    const port = new URL(sandbox.url).port;
    const before = await sandboxState(sandbox.url);
    const r = await runCli(['verify', '--json'], { env: { AFFITOR_SANDBOX_PORT: port, AFFITOR_API_URL: '', AFFITOR_API_KEY: '' } });
    expect(r.code).toBe(0);
    expect(onlyJson(r.stdout)).toMatchObject({ ok: true, api: `http://localhost:${port}` });
    expect((await sandboxState(sandbox.url)).events.length).toBe(before.events.length + 4);
  });

  it('without --api or AFFITOR_SANDBOX_PORT: finds the sandbox on the random port it took, through its record', async () => {
    const r = await runCli(['verify', '--json'], { env: { AFFITOR_SANDBOX_PORT: '', AFFITOR_API_URL: '', AFFITOR_API_KEY: '' } });
    expect(r.code).toBe(0);
    expect(onlyJson(r.stdout)).toMatchObject({ ok: true, api: sandbox.url });
  });

  it("reads AFFITOR_API_URL and AFFITOR_API_KEY from the project's .env (the environment's own win)", async () => {
    const project = mkdtempSync(join(tmpdir(), 'affitor-verify-env-'));
    const empty = mkdtempSync(join(tmpdir(), 'affitor-verify-state-'));
    writeFileSync(join(project, '.env'), `# from init\nAFFITOR_API_URL=${sandbox.url}\nAFFITOR_API_KEY="${sandbox.apiKey}"\n`);
    const env = { XDG_STATE_HOME: empty, AFFITOR_SANDBOX_PORT: String(await freePort()), AFFITOR_API_URL: '', AFFITOR_API_KEY: '' };
    const fromDotEnv = await runCli(['verify', '--json'], { cwd: project, env });
    expect(fromDotEnv.code).toBe(0);
    expect(onlyJson(fromDotEnv.stdout)).toMatchObject({ ok: true, api: sandbox.url });
    const overridden = await runCli(['verify', '--json'], { cwd: project, env: { ...env, AFFITOR_API_KEY: 'affitor_wrong_key_000' } });
    expect(overridden.code).toBe(3);
  });

  it('no sandbox running: says so, where it looked and what to run; exit 4, nothing started', async () => {
    const port = await freePort();
    const empty = mkdtempSync(join(tmpdir(), 'affitor-verify-state-'));
    const r = await runCli(['verify'], { env: { XDG_STATE_HOME: empty, AFFITOR_SANDBOX_PORT: String(port), AFFITOR_API_URL: '', AFFITOR_API_KEY: '' } });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`no sandbox is running (none recorded in ${join(empty, 'affitor-tracker', 'sandbox.json')}, nothing answering on http://localhost:${port})`);
    expect(r.stderr).toContain('Start one in another terminal: npx affitor-tracker sandbox');
    expect(r.stdout).toBe('');
  });

  it('--api at a sandbox port where nothing listens: "nothing is listening", not "no API key"; exit 4', async () => {
    const port = await freePort();
    const r = await runCli(['verify', '--api', `http://localhost:${port}`], { env: { AFFITOR_API_KEY: '' } });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`nothing is listening at http://localhost:${port}: is the sandbox running? Start it: npx affitor-tracker sandbox --port ${port}`);
  });

  it('a broken gate (no commission configured): that gate fails with its next action, exit 1', async () => {
    const set = (body: object) =>
      fetch(`${sandbox.url}/sandbox/program`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    expect((await set({ commission_rate: 0 })).status).toBe(200);
    try {
      const r = await runCli(['verify', '--api', sandbox.url, '--json']);
      const report = onlyJson(r.stdout) as Report;
      expect(r.code).toBe(1);
      expect(report.ok).toBe(false);
      expect(report.gates.filter((g) => g.status !== 'pass')).toEqual([
        { name: 'economics', status: 'fail', next_action: expect.stringMatching(/commission above 0/) },
      ]);
    } finally {
      await set({ commission_rate: 40 });
    }
  });
});
