// Which API the CLI talks to, and with which key — the one answer init, verify and mcp share:
// flags, then AFFITOR_API_URL / AFFITOR_API_KEY (the environment, else the project's .env), then the
// running local sandbox (the one `affitor-tracker sandbox` recorded, on whatever port, else one on
// AFFITOR_SANDBOX_PORT or 8787). A local sandbox tells its own key. Nothing running is said as such.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { discoveryFile, recordedSandbox } from '../sandbox/discovery.js';
import { CliError, EXIT } from './command.js';

export const LOCAL_SANDBOX_URL = 'http://localhost:8787';
export const START_SANDBOX = 'npx affitor-tracker sandbox';

/** Where a local sandbox listens by default: its own AFFITOR_SANDBOX_PORT setting, else the default port. */
export function localSandboxUrl(env: NodeJS.ProcessEnv): string {
  const port = env.AFFITOR_SANDBOX_PORT;
  return port && /^\d+$/.test(port) && port !== '0' ? `http://localhost:${port}` : LOCAL_SANDBOX_URL;
}

export interface Target {
  /** API base without trailing slash. */
  api: string;
  apiKey: string;
  /** How the target was chosen, for the user: `--api`, AFFITOR_API_URL (environment or .env), a running or a started sandbox. */
  source: 'flag' | 'environment' | 'running sandbox' | 'started sandbox';
  /** Stops a sandbox this process started; a no-op otherwise. */
  close: () => Promise<void>;
}

export interface TargetInput {
  api?: string;
  key?: string;
}

/**
 * AFFITOR_API_URL and AFFITOR_API_KEY from `dir`/.env under the environment's own (which win, as
 * with dotenv and `node --env-file`; an empty value in the environment counts as unset).
 */
export function withDotEnv(env: NodeJS.ProcessEnv, dir = process.cwd()): NodeJS.ProcessEnv {
  let source: string;
  try {
    source = readFileSync(join(dir, '.env'), 'utf8');
  } catch {
    return env;
  }
  const merged = { ...env };
  for (const raw of source.split('\n')) {
    const match = /^\s*(?:export\s+)?(AFFITOR_API_URL|AFFITOR_API_KEY)\s*=\s*(.*?)\s*$/.exec(raw);
    if (!match || merged[match[1]]) continue;
    const value = match[2].replace(/^(['"])(.*)\1$/, '$2');
    if (value) merged[match[1]] = value;
  }
  return merged;
}

type Probe = { kind: 'sandbox'; apiKey: string } | { kind: 'other' } | { kind: 'nothing' };

/** What answers at `api`: a sandbox (its loopback-only admin state names its key), something else, or nothing. */
async function probe(api: string): Promise<Probe> {
  let res: Response;
  try {
    res = await fetch(`${api}/sandbox/state?limit=0`, { signal: AbortSignal.timeout(2000) });
  } catch {
    return { kind: 'nothing' };
  }
  try {
    const state = (await res.json()) as { api_key?: unknown };
    return res.ok && typeof state.api_key === 'string' ? { kind: 'sandbox', apiKey: state.api_key } : { kind: 'other' };
  } catch {
    return { kind: 'other' };
  }
}

export interface LocalSandbox {
  api: string;
  apiKey: string;
}

/** The running local sandbox: the recorded one (any port), else one on the default port; null when none answers. */
export async function findLocalSandbox(env: NodeJS.ProcessEnv): Promise<LocalSandbox | null> {
  const candidates = [recordedSandbox(env)?.url, localSandboxUrl(env)].filter((url, i, all): url is string => !!url && all.indexOf(url) === i);
  for (const api of candidates) {
    const found = await probe(api);
    if (found.kind === 'sandbox') return { api, apiKey: found.apiKey };
  }
  return null;
}

/** The words for "no sandbox is running", with where it was looked for and what to run. */
export function noSandboxMessage(env: NodeJS.ProcessEnv): string {
  return (
    `no sandbox is running (none recorded in ${discoveryFile(env)}, nothing answering on ${localSandboxUrl(env)}). ` +
    `Start one in another terminal: ${START_SANDBOX} (or npm start in a clone of affitor-tracker), or pass --api and --key.`
  );
}

const isLoopback = (api: string) => /^https?:\/\/(localhost|127\.[\d.]+|\[::1\])(:\d+)?$/.test(api);

export async function resolveTarget(input: TargetInput, processEnv: NodeJS.ProcessEnv, options: { startIfMissing?: boolean } = {}): Promise<Target> {
  const noop = async () => {};
  const env = withDotEnv(processEnv);
  const api = input.api ?? (env.AFFITOR_API_URL || undefined);
  const key = input.key ?? (env.AFFITOR_API_KEY || undefined);
  if (api) {
    const source = input.api ? 'flag' : 'environment';
    if (key) return { api, apiKey: key, source, close: noop };
    // A sandbox tells its own key; a real API needs one.
    const found = await probe(api);
    if (found.kind === 'sandbox') return { api, apiKey: found.apiKey, source, close: noop };
    if (found.kind === 'nothing') {
      throw new CliError(
        EXIT.unreachable,
        'unreachable',
        isLoopback(api) ? `nothing is listening at ${api}: is the sandbox running? Start it: ${START_SANDBOX} --port ${new URL(api).port || 80}` : `nothing is listening at ${api}`,
      );
    }
    throw new CliError(EXIT.usage, 'usage', `no API key for ${api}: pass --key affitor_… or set AFFITOR_API_KEY (the program's key from your Affitor dashboard).`);
  }

  const running = await findLocalSandbox(env);
  if (running) return { api: running.api, apiKey: key ?? running.apiKey, source: 'running sandbox', close: noop };
  if (!options.startIfMissing) throw new CliError(EXIT.unreachable, 'unreachable', noSandboxMessage(env));

  // None running: start one in this process, in memory, on a free port. Loaded only here, so the
  // SQLite driver is needed only when a sandbox is actually started.
  const { startSandbox } = await import('../sandbox/cli.js');
  let sandbox;
  try {
    sandbox = await startSandbox({ port: 0, db: ':memory:', ...(key ? { apiKey: key } : {}) });
  } catch (err) {
    throw new CliError(EXIT.unreachable, 'unreachable', `${noSandboxMessage(env)} One could not be started here either: ${(err as Error).message}`);
  }
  return { api: `http://localhost:${sandbox.port}`, apiKey: sandbox.apiKey, source: 'started sandbox', close: () => sandbox.close() };
}
