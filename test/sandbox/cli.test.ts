// The command line: option precedence, and the real process (built from src with esbuild, as
// build.mjs does) printing its banner and event lines, and stopping on SIGTERM/SIGINT with nothing lost.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { openSqlite } from '../../src/sandbox/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig, formatFeedItem } from '../../src/sandbox/cli';

const dir = mkdtempSync(join(tmpdir(), 'affitor-sandbox-cli-'));
// Inside the repository, so the sandbox finds the package root as it does from dist/.
const buildDir = resolve('node_modules/.cache/affitor-sandbox-cli-test');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveConfig', () => {
  it('defaults: port 8787, 127.0.0.1, ./.affitor-sandbox.db, demo program', () => {
    const config = resolveConfig([], {});
    expect(config).toEqual({
      quiet: false,
      options: { port: undefined, host: undefined, db: resolve('.affitor-sandbox.db'), apiKey: undefined, programId: undefined, partners: [], allowedHosts: [], settings: {} },
    });
  });

  it('flags win over environment, environment over the config file', () => {
    const file = join(dir, 'config.json');
    writeFileSync(
      file,
      JSON.stringify({
        port: 9000,
        programId: 5,
        apiKey: 'affitor_from_file',
        partners: ['FILE_P', { code: 'FILE_Q', name: 'Q', status: 'inactive' }],
        program: { attribution_window_days: 30, commission_rate: 25 },
      }),
    );
    const fromFile = resolveConfig(['--config', file], {});
    expect(fromFile).toMatchObject({
      options: {
        port: 9000,
        programId: 5,
        apiKey: 'affitor_from_file',
        partners: [{ code: 'FILE_P' }, { code: 'FILE_Q', name: 'Q', status: 'inactive' }],
        settings: { attribution_window_days: 30, commission_rate: 25 },
      },
    });
    const env = { AFFITOR_SANDBOX_PORT: '9100', AFFITOR_SANDBOX_PARTNERS: 'ENV_A, ENV_B', AFFITOR_SANDBOX_MEMORY: '1', AFFITOR_SANDBOX_CONFIG: file };
    const fromEnv = resolveConfig([], env);
    expect(fromEnv).toMatchObject({ options: { port: 9100, db: ':memory:', programId: 5, partners: [{ code: 'ENV_A' }, { code: 'ENV_B' }] } });
    const fromFlags = resolveConfig(['--port', '0', '--partner', 'X1', '--partner', 'X2', '--program-id', '9', '--api-key', 'affitor_flag_key', '--quiet'], env);
    expect(fromFlags).toMatchObject({ quiet: true, options: { port: 0, programId: 9, apiKey: 'affitor_flag_key', partners: [{ code: 'X1' }, { code: 'X2' }] } });
  });

  it.each([
    [['--port', 'abc'], /port must be an integer from 0 to 65535/],
    [['--program-id', '0'], /program id must be an integer/],
    [['--partner', 'has space'], /partner code "has space"/],
    [['--api-key', 'short'], /api key must be 8–200 characters/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['--config', '/nonexistent/affitor.json'], /Cannot read config file/],
  ])('%j → a clear error', (args, message) => {
    expect(() => resolveConfig(args, {})).toThrow(message);
  });

  it('--help', () => {
    expect(resolveConfig(['--help'], {})).toBe('help');
  });

  it('event lines carry the decision and never a raw email', () => {
    const line = formatFeedItem({
      kind: 'activity', id: 3, at: Date.UTC(2026, 0, 1, 12, 0, 0), type: 'lead', httpStatus: 200, programId: 1,
      clickId: 'cust_1_1', partnerCode: 'PARTNER_A', isTest: false, explanation: 'lead: cust_1_1 click → lead for PARTNER_A, j***@x.com',
    });
    expect(line).toMatch(/lead\s+200\s+PARTNER_A\s+cust_1_1\s+—\s+lead: cust_1_1 click → lead for PARTNER_A, j\*\*\*@x\.com$/);
  });
});

describe('the sandbox process', () => {
  beforeAll(async () => {
    mkdirSync(buildDir, { recursive: true });
    await esbuild.build({
      entryPoints: ['src/sandbox/cli.ts'],
      outfile: join(buildDir, 'cli.js'),
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node18',
      packages: 'external',
      logLevel: 'silent',
    });
    writeFileSync(join(buildDir, 'run.mjs'), "import { main } from './cli.js';\nawait main(process.argv.slice(2));\n");
  });

  function start(args: string[]): {
    child: ChildProcess;
    url: Promise<string>;
    output: () => string;
    /** Resolves once the output so far satisfies `done` (checked as each chunk arrives). */
    printed: (done: () => boolean) => Promise<void>;
    exited: Promise<number | null>;
  } {
    const child = spawn(process.execPath, [join(buildDir, 'run.mjs'), 'sandbox', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const waiting = new Set<() => void>();
    const append = (d: string) => {
      output += d;
      for (const check of waiting) check();
    };
    child.stdout!.setEncoding('utf8').on('data', append);
    child.stderr!.setEncoding('utf8').on('data', append);
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const printed = (done: () => boolean) =>
      new Promise<void>((resolvePrinted, reject) => {
        const check = () => {
          if (!done()) return;
          waiting.delete(check);
          resolvePrinted();
        };
        waiting.add(check);
        check();
        void exited.then(() => reject(new Error(`exited before the expected output:\n${output}`)));
      });
    const url = new Promise<string>((resolveUrl, reject) => {
      const timer = setInterval(() => {
        const m = /API base\s+http:\/\/localhost:(\d+)/.exec(output);
        if (m) {
          clearInterval(timer);
          resolveUrl(`http://127.0.0.1:${m[1]}`);
        }
      }, 20);
      void exited.then(() => {
        clearInterval(timer);
        reject(new Error(`exited early:\n${output}`));
      });
    });
    return { child, url, output: () => output, printed, exited };
  }

  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('prints the banner and one line per event, masks emails, and SIGTERM keeps in-flight requests', async () => {
    const db = join(dir, 'sigterm.db');
    const run = start(['--db', db, '--api-key', 'affitor_cli_test_key', '--partner', 'CLI_PARTNER']);
    const base = await run.url;
    expect(run.output()).toMatch(/Program id\s+1\n\s+API key\s+affitor_cli_test_key/);
    expect(run.output()).toContain('Partners     CLI_PARTNER;');
    expect(run.output()).toContain(`Data         ${db} (SQLite, WAL)`);

    const click = (await (await post(`${base}/api/v1/track/click`, { affiliate_url: 'http://s.test/?aff=CLI_PARTNER' })).json()) as { click_id: string };
    await post(`${base}/api/v1/track/lead`, { click_id: click.click_id, customer_key: 'cli_user', email: 'Secret.Person@Example.com' });

    // Five clicks read and held by the server when SIGTERM arrives: all must be answered and stored.
    // The server prints a line as it starts holding each one; SIGTERM goes once all five are printed.
    await post(`${base}/sandbox/faults`, { click: { mode: 'delay', count: 5, delayMs: 1500 } });
    const held = () => run.output().match(/fault injected: click delayed 1500 ms/g)?.length ?? 0;
    const heldBefore = held();
    const inFlight = Array.from({ length: 5 }, (_, i) => post(`${base}/api/v1/track/click`, { affiliate_url: `http://s.test/${i}?aff=CLI_PARTNER` }));
    await run.printed(() => held() - heldBefore === 5);
    run.child.kill('SIGTERM');
    const statuses = await Promise.all(inFlight.map(async (p) => (await p).status));
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(await run.exited).toBe(0);

    const output = run.output();
    expect(output).toMatch(/click\s+200\s+CLI_PARTNER\s+cust_1_\d+\s+—\s+new customer from CLI_PARTNER \(first click\)/);
    expect(output).toContain('s***@example.com');
    expect(output.toLowerCase()).not.toContain('secret.person');
    expect(output).toContain('SIGTERM: stopping');
    expect(output).toContain(`Stopped; data is in ${db}.`);
    const rows = openSqlite(db, { readonly: true });
    try {
      expect(rows.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM customers').get()!.n).toBe(6);
      expect(rows.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM customers WHERE status = 'lead'").get()!.n).toBe(1);
    } finally {
      rows.close();
    }
  });

  it('SIGINT stops cleanly; a second run on the same file sees the data', async () => {
    const db = join(dir, 'sigint.db');
    const first = start(['--db', db, '--quiet']);
    const base = await first.url;
    await post(`${base}/api/v1/track/click`, { affiliate_url: 'http://s.test/?aff=PARTNER_A' });
    expect(first.output()).not.toContain('new customer');
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);

    const second = start(['--db', db]);
    const state = (await (await fetch(`${await second.url}/sandbox/state`)).json()) as { counts: { customers: number } };
    expect(state.counts.customers).toBe(1);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('a port in use and a bad flag give one clear line and exit 1', async () => {
    const first = start(['--memory']);
    const port = new URL(await first.url).port;
    const clash = spawn(process.execPath, [join(buildDir, 'run.mjs'), 'sandbox', '--memory', '--port', port], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    clash.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    expect(await new Promise((r) => clash.on('exit', r))).toBe(1);
    expect(err).toContain(`port ${port} is already in use. Pass --port N (or --port 0 for any free port).`);
    first.child.kill('SIGTERM');
    await first.exited;

    const bad = spawn(process.execPath, [join(buildDir, 'run.mjs'), 'sandbox', '--prot', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let badErr = '';
    bad.stderr.setEncoding('utf8').on('data', (d) => (badErr += d));
    expect(await new Promise((r) => bad.on('exit', r))).toBe(1);
    expect(badErr).toContain("Unknown option '--prot'");
  });
});
