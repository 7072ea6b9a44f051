// Runs the real command (bin/affitor-tracker.mjs → dist/cli/*.js, as `npx affitor-tracker` does)
// in a child process. The built files come from `node build.mjs` (npm test builds first).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const BIN = resolve('bin/affitor-tracker.mjs');

/**
 * The state directory (XDG_STATE_HOME) every child of this test file gets: the sandboxes it starts
 * record themselves there (src/sandbox/discovery.ts), and the commands it runs look there, apart
 * from the user's own sandbox and from other test files'.
 */
export const STATE_HOME = mkdtempSync(join(tmpdir(), 'affitor-cli-state-'));

export function assertBuilt(...commands: string[]): void {
  for (const command of commands) {
    if (!existsSync(resolve(`dist/cli/${command}.js`))) throw new Error(`dist/cli/${command}.js is missing: run \`node build.mjs\` first`);
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `affitor-tracker ...args` to completion. */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      env: { ...process.env, XDG_STATE_HOME: STATE_HOME, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`affitor-tracker ${args.join(' ')} did not exit within ${options.timeoutMs ?? 20000} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 20000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

export interface RunningSandboxProcess {
  child: ChildProcess;
  url: string;
  apiKey: string;
  stop(): Promise<void>;
}

/** Starts `affitor-tracker sandbox --memory --port 0 --quiet ...extra` and waits for its banner. */
export function startSandboxProcess(extra: string[] = []): Promise<RunningSandboxProcess> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, 'sandbox', '--memory', '--port', '0', '--quiet', ...extra], {
      env: { ...process.env, XDG_STATE_HOME: STATE_HOME },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('exit', (code) => fail(new Error(`sandbox exited early (${code}): ${out}${err}`)));
    const onBanner = (d: string) => {
      out += d;
      const url = /API base\s+(http:\/\/\S+)/.exec(out)?.[1];
      const apiKey = /API key\s+(\S+)/.exec(out)?.[1];
      if (url && apiKey) {
        child.stdout.off('data', onBanner);
        child.removeAllListeners('exit');
        done({
          child,
          url,
          apiKey,
          stop: () =>
            new Promise((stopped) => {
              if (child.exitCode !== null) return stopped();
              child.once('exit', () => stopped());
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout.setEncoding('utf8').on('data', onBanner);
  });
}

/** Parses stdout as exactly one JSON value (fails the test on anything else there). */
export function onlyJson(stdout: string): unknown {
  return JSON.parse(stdout);
}

/** What the browser script sends on a landing (protocol §3.3); the sandbox's tracking gate waits for one. */
export async function clickFromTheScript(url: string): Promise<void> {
  const landing = 'http://shop.example/?aff=PARTNER_A';
  const res = await fetch(`${url}/api/v1/track/click`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      affiliate_url: landing,
      page_url: landing,
      page_title: 'Shop',
      referrer_url: '',
      session_id: `sess_abcdefghi_${Date.now()}`,
      user_agent: 'Mozilla/5.0',
      language: 'en-US',
      timezone: 'Europe/Berlin',
      screen_resolution: '1920x1080',
      viewport_size: '1280x720',
    }),
  });
  if (res.status !== 200) throw new Error(`script click: HTTP ${res.status}`);
}
