// A real sandbox process (`affitor-tracker sandbox --memory --port 0`), as a user would run it, and
// the few admin calls the benchmark needs: fault injection (protocol §10.22), moving a click
// into the past, and the state from which every verdict is read.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/affitor-tracker.mjs', import.meta.url));
const START_TIMEOUT_MS = 15_000;

/**
 * Starts one sandbox and resolves once it prints its API base.
 * @returns {Promise<{port: number, url: string, apiKey: string, programId: number, admin: ReturnType<typeof adminClient>, stop(): Promise<void>}>}
 */
export async function startSandboxProcess() {
  const child = spawn(process.execPath, [BIN, 'sandbox', '--memory', '--port', '0', '--quiet', '--allowed-host', 'api.test'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const started = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox did not start within ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS);
    const onData = (chunk) => {
      output += chunk;
      const base = /API base\s+http:\/\/[^:\s]+:(\d+)/.exec(output);
      const key = /API key\s+(\S+)/.exec(output);
      const program = /Program id\s+(\d+)/.exec(output);
      if (base && key && program) {
        clearTimeout(timer);
        resolve({ port: Number(base[1]), apiKey: key[1], programId: Number(program[1]) });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox exited with code ${code} before starting:\n${output}`));
    });
  });
  const url = `http://127.0.0.1:${started.port}`;
  return {
    ...started,
    url,
    admin: adminClient(url),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The sandbox's admin JSON API (`/sandbox/*`). Every failure throws with the sandbox's own message. */
export function adminClient(base) {
  async function call(method, path, body) {
    const res = await fetch(base + path, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json().catch(() => null);
    if (!res.ok) throw new Error(`sandbox ${method} ${path} → ${res.status} ${json?.error ?? ''}`);
    return json;
  }
  return {
    /** e.g. `{click: {mode: '503', count: 2}}`; `{click: null}` clears. */
    setFaults: (faults) => call('POST', '/sandbox/faults', faults),
    faults: () => call('GET', '/sandbox/faults'),
    /** Moves the customer's click (and its attribution anchor) `days` into the past. */
    shiftClick: (clickId, days) => call('POST', '/sandbox/shift', { click_id: clickId, days }),
    state: (limit = 10_000) => call('GET', `/sandbox/state?limit=${limit}`),
  };
}
