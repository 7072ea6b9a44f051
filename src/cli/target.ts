// Which API the CLI talks to, and with which key: flags, then AFFITOR_API_URL / AFFITOR_API_KEY,
// then the local sandbox — a running one (found on its default port), else one started for the
// duration of the command. `verify` and `mcp` share this.
import { CliError, EXIT } from './command.js';

export const LOCAL_SANDBOX_URL = 'http://localhost:8787';

/** Where a local sandbox listens: its own AFFITOR_SANDBOX_PORT setting, else the default port. */
export function localSandboxUrl(env: NodeJS.ProcessEnv): string {
  const port = env.AFFITOR_SANDBOX_PORT;
  return port && /^\d+$/.test(port) && port !== '0' ? `http://localhost:${port}` : LOCAL_SANDBOX_URL;
}

export interface Target {
  /** API base without trailing slash. */
  api: string;
  apiKey: string;
  /** How the target was chosen, for the user: `--api`, `AFFITOR_API_URL`, a running or a started sandbox. */
  source: 'flag' | 'environment' | 'running sandbox' | 'started sandbox';
  /** Stops a sandbox this process started; a no-op otherwise. */
  close: () => Promise<void>;
}

export interface TargetInput {
  api?: string;
  key?: string;
}

/** The sandbox's admin state (loopback only) names its key; anything else at that address is not a sandbox. */
async function sandboxKeyAt(api: string): Promise<string | null> {
  try {
    const res = await fetch(`${api}/sandbox/state?limit=0`, { signal: AbortSignal.timeout(2000) });
    if (!res.ok) return null;
    const state = (await res.json()) as { api_key?: unknown };
    return typeof state.api_key === 'string' ? state.api_key : null;
  } catch {
    return null;
  }
}

export async function resolveTarget(input: TargetInput, env: NodeJS.ProcessEnv): Promise<Target> {
  const noop = async () => {};
  const api = input.api ?? (env.AFFITOR_API_URL || undefined);
  const key = input.key ?? (env.AFFITOR_API_KEY || undefined);
  if (api) {
    const source = input.api ? 'flag' : 'environment';
    if (key) return { api, apiKey: key, source, close: noop };
    // A sandbox tells its own key; a real API needs one.
    const sandboxKey = await sandboxKeyAt(api);
    if (sandboxKey) return { api, apiKey: sandboxKey, source, close: noop };
    throw new CliError(EXIT.usage, 'usage', `no API key for ${api}: pass --key affitor_… or set AFFITOR_API_KEY (the program's key from your Affitor dashboard).`);
  }

  const local = localSandboxUrl(env);
  const runningKey = await sandboxKeyAt(local);
  if (runningKey) return { api: local, apiKey: key ?? runningKey, source: 'running sandbox', close: noop };

  // None running: start one in this process, in memory, on a free port. Loaded only here, so the
  // SQLite module is needed only when a sandbox is actually started.
  const { startSandbox } = await import('../sandbox/cli.js');
  let sandbox;
  try {
    sandbox = await startSandbox({ port: 0, db: ':memory:', ...(key ? { apiKey: key } : {}) });
  } catch (err) {
    throw new CliError(EXIT.unreachable, 'unreachable', `no sandbox is running on ${local} and one could not be started: ${(err as Error).message}`);
  }
  return { api: `http://localhost:${sandbox.port}`, apiKey: sandbox.apiKey, source: 'started sandbox', close: () => sandbox.close() };
}
