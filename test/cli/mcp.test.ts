// `affitor-tracker mcp` driven by the MCP SDK's own Client over StdioClientTransport, spawning the
// real built command, against a real sandbox on a random port.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, BIN, clickFromTheScript, startSandboxProcess, type RunningSandboxProcess } from './helpers';

assertBuilt('mcp', 'init', 'sandbox');

interface ToolAnswer {
  isError?: boolean;
  content: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, unknown>;
}
interface SandboxState {
  events: Array<{ type: string; is_test: number | boolean }>;
  sales: Array<{ transaction_id: string }>;
  commissions: Array<{ status: string }>;
}

let sandbox: RunningSandboxProcess;
let client: Client;
const project = mkdtempSync(join(tmpdir(), 'affitor-mcp-project-'));

async function connect(env: Record<string, string>): Promise<Client> {
  const c = new Client({ name: 'affitor-tracker-test', version: '1.0.0' });
  const inherited = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => typeof e[1] === 'string'));
  await c.connect(new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp'], env: { ...inherited, ...env }, stderr: 'pipe' }));
  return c;
}

async function call(name: string, args: Record<string, unknown> = {}, on: Client = client): Promise<ToolAnswer> {
  return (await on.callTool({ name, arguments: args })) as ToolAnswer;
}

async function sandboxState(): Promise<SandboxState> {
  return (await (await fetch(`${sandbox.url}/sandbox/state`)).json()) as SandboxState;
}

beforeAll(async () => {
  sandbox = await startSandboxProcess();
  client = await connect({ AFFITOR_API_URL: sandbox.url, AFFITOR_API_KEY: sandbox.apiKey, AFFITOR_PROGRAM_ID: '1' });
  writeFileSync(join(project, 'index.html'), '<!doctype html>\n<html>\n<head>\n<title>Shop</title>\n</head>\n<body>\n<h1>Shop</h1>\n</body>\n</html>\n');
});

afterAll(async () => {
  await client?.close();
  await sandbox?.stop();
  rmSync(project, { recursive: true, force: true });
});

describe('mcp', () => {
  it('lists the tools with their input schemas', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['init_dry_run', 'plan_integration', 'readiness', 'track_click', 'track_lead', 'track_refund', 'track_sale', 'verify']);
    const sale = tools.find((t) => t.name === 'track_sale');
    expect(sale?.inputSchema.required).toEqual(expect.arrayContaining(['transactionId', 'amountCents']));
  });

  it('track_click defaults to test mode: a test event, no click id', async () => {
    const before = (await sandboxState()).events.length;
    const r = await call('track_click', { affiliateUrl: 'https://shop.example/?aff=PARTNER_A' });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ ok: true, data: { data: { test_mode: true, programId: 1 } } });
    const state = await sandboxState();
    expect(state.events.length).toBe(before + 1);
    expect(Boolean(state.events[0].is_test)).toBe(true);
  });

  it('the four track calls with testMode false make one real attributed journey', async () => {
    const click = await call('track_click', { affiliateUrl: 'https://shop.example/?aff=PARTNER_B', testMode: false });
    const clickId = (click.structuredContent as { data: { click_id: string } }).data.click_id;
    expect(clickId).toMatch(/^cust_/);
    const lead = await call('track_lead', { clickId, customerKey: 'mcp-user-1', email: 'mcp@example.com', testMode: false });
    expect(lead.structuredContent).toMatchObject({ ok: true, code: 'ok' });
    const sale = await call('track_sale', { transactionId: 'mcp-order-1', amountCents: 5000, customerKey: 'mcp-user-1', testMode: false });
    expect(sale.structuredContent).toMatchObject({ ok: true, data: { commission_id: expect.any(Number) } });
    const again = await call('track_sale', { transactionId: 'mcp-order-1', amountCents: 5000, customerKey: 'mcp-user-1', testMode: false });
    expect(again.isError).toBeFalsy();
    expect(again.structuredContent).toMatchObject({ ok: false, duplicate: true, code: 'duplicate' });
    const refund = await call('track_refund', { transactionId: 'mcp-order-1' });
    expect(refund.structuredContent).toMatchObject({ ok: true, data: { status: 'reversed' } });
    const state = await sandboxState();
    expect(state.sales.filter((s) => s.transaction_id === 'mcp-order-1')).toHaveLength(1);
  });

  it('tool inputs are validated before anything is sent', async () => {
    const before = (await sandboxState()).events.length;
    const bad = await call('track_sale', { transactionId: 'mcp-order-2', amountCents: -5 });
    expect(bad.isError).toBe(true);
    expect(bad.content[0].text).toMatch(/amountCents/);
    const noUrl = await call('track_click', { affiliateUrl: 'not a url' });
    expect(noUrl.isError).toBe(true);
    expect((await sandboxState()).events.length).toBe(before);
  });

  it('a track call the API refuses is a tool error with its message (unknown sale → not_found)', async () => {
    const r = await call('track_refund', { transactionId: 'no-such-order' });
    expect(r.isError).toBe(true);
    expect(r.structuredContent).toMatchObject({ ok: false, status: 404, code: 'not_found', error: 'Sale not found for transaction_id' });
  });

  it('readiness and verify: a failing gate is reported (not a tool error), and passes once the script has sent a click', async () => {
    const readiness = await call('readiness', { forceRecheck: true });
    expect(readiness.structuredContent).toMatchObject({ ok: true, data: { program_id: 1, gates: { tracking: { status: 'fail' } } } });
    const failing = await call('verify');
    expect(failing.isError).toBeFalsy();
    expect(failing.structuredContent).toMatchObject({ ok: false, gates: expect.arrayContaining([expect.objectContaining({ name: 'tracking', status: 'fail', next_action: expect.any(String) })]) });
    await clickFromTheScript(sandbox.url);
    const verify = await call('verify');
    expect(verify.structuredContent, verify.content[0].text).toMatchObject({ ok: true, api: sandbox.url, program_id: 1 });
  });

  it("plan_integration and init_dry_run use init's planner and write nothing", async () => {
    const plan = await call('plan_integration', { dir: project, programId: '7' });
    expect(plan.isError, plan.content[0].text).toBeFalsy();
    expect(plan.structuredContent).toMatchObject({ stack: expect.arrayContaining(['html']), changes: expect.arrayContaining([expect.objectContaining({ file: 'index.html', action: 'edit' })]) });
    const dry = await call('init_dry_run', { dir: project, programId: '7' });
    const change = (dry.structuredContent as { changes: Array<{ file: string; diff: string }> }).changes.find((c) => c.file === 'index.html');
    expect(change?.diff).toMatch(/^\+.*affitor-tracker\.js.*data-affitor-program-id="7"/m);
    expect(readFileSync(join(project, 'index.html'), 'utf8')).not.toMatch(/affitor/);
  });

  it('a wrong key gives unauthorized tool errors; the server keeps serving', async () => {
    const wrong = await connect({ AFFITOR_API_URL: sandbox.url, AFFITOR_API_KEY: 'affitor_wrong_key_0000', AFFITOR_PROGRAM_ID: '1' });
    try {
      const sale = await call('track_sale', { transactionId: 'mcp-order-3', amountCents: 100, customerKey: 'x', testMode: false }, wrong);
      expect(sale.structuredContent).toMatchObject({ ok: false, code: 'unauthorized', status: 401 });
      const verify = await call('verify', {}, wrong);
      expect(verify.isError).toBe(true);
      expect(verify.structuredContent).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
      expect((await wrong.listTools()).tools.length).toBe(8);
    } finally {
      await wrong.close();
    }
  });

  it('without AFFITOR_API_URL it starts a sandbox of its own, which lives as long as the server', async () => {
    const probe = createServer();
    await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
    const freePort = String((probe.address() as AddressInfo).port);
    await new Promise((done) => probe.close(done));
    const own = await connect({ AFFITOR_API_URL: '', AFFITOR_API_KEY: '', AFFITOR_PROGRAM_ID: '', AFFITOR_SANDBOX_PORT: freePort });
    try {
      const first = await call('track_click', { affiliateUrl: 'https://shop.example/?aff=PARTNER_A', testMode: false }, own);
      expect(first.structuredContent).toMatchObject({ ok: true, data: { partner_code: 'PARTNER_A' } });
      // The same sandbox answers the next call: the click's customer is known to it.
      const clickId = (first.structuredContent as { data: { click_id: string } }).data.click_id;
      const lead = await call('track_lead', { clickId, customerKey: 'own-sandbox-user', testMode: false }, own);
      expect(lead.structuredContent).toMatchObject({ ok: true });
    } finally {
      await own.close();
    }
  });

  it('ends with exit code 0 when its client closes stdin', async () => {
    const child = spawn(process.execPath, [BIN, 'mcp'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, AFFITOR_API_URL: sandbox.url, AFFITOR_API_KEY: sandbox.apiKey } });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<number | null>((done) => child.on('exit', done));
    child.stdin.end('{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}\n');
    expect(await exited).toBe(0);
    expect(JSON.parse(out.trim())).toMatchObject({ id: 1, result: { serverInfo: { name: 'affitor-tracker' } } });
  });
});
