// `affitor-tracker sandbox`: command line, environment and config file → a running sandbox that
// prints where everything is and one line per tracked event, and stops cleanly on Ctrl-C/SIGTERM.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MEMORY, MissingSqliteError } from './db.js';
import { forgetSandbox, recordSandbox } from './discovery.js';
import { DEFAULT_PROGRAM_ID, INACTIVE_LINK, MISCONFIGURED_LINK, SettingsError, validatePartner, validateSettings } from './admin.js';
import { DEFAULT_DB_FILE, DEFAULT_HOST, DEFAULT_PORT, startSandbox, type FeedItem, type SandboxOptions } from './server.js';

export { startSandbox } from './server.js';
/** A connection with the sandbox's driver (scripts that read a sandbox's data file: bench/). */
export { openSqlite } from './sqlite.js';
export type { FeedItem, RunningSandbox, SandboxOptions } from './server.js';

export const USAGE = `Usage: affitor-tracker sandbox [options]

Starts a local Affitor-compatible API with a demo storefront and a live event console.

Options (each also settable by environment variable or config file; flags win, then env, then file):
  --port N          port to listen on; 0 picks a free one    AFFITOR_SANDBOX_PORT       (default ${DEFAULT_PORT})
  --host HOST       interface to bind                        AFFITOR_SANDBOX_HOST       (default ${DEFAULT_HOST})
  --allowed-host H  answer requests for host name H too;     AFFITOR_SANDBOX_ALLOWED_HOSTS=a,b
                    repeatable; .example.test admits its subdomains (by default only localhost,
                    *.localhost and IP addresses are answered: a guard against DNS rebinding)
  --db FILE         SQLite file (WAL)                        AFFITOR_SANDBOX_DB         (default ./${DEFAULT_DB_FILE})
  --memory          keep data in memory only (lost on exit)  AFFITOR_SANDBOX_MEMORY=1
  --api-key KEY     the program's API key                    AFFITOR_SANDBOX_API_KEY
                    (default: generated on first start, kept in the data file, shown below)
  --program-id N    the program's id                         AFFITOR_SANDBOX_PROGRAM_ID (default ${DEFAULT_PROGRAM_ID})
  --partner CODE    an active partner code; repeatable       AFFITOR_SANDBOX_PARTNERS=A,B
                    (default on a new database: PARTNER_A, PARTNER_B)
  --config FILE     JSON file with any of the above plus program settings and partners:
                    {"port":8787,"programId":1,"apiKey":"affitor_…","partners":["PARTNER_A",
                     {"code":"PARTNER_C","name":"Carol","status":"active"}],
                     "program":{"cookie_window_days":60,"attribution_window_days":60,
                     "commission_type":"percentage","commission_rate":40,"lead_auth":"any"}}
                                                             AFFITOR_SANDBOX_CONFIG
  --quiet           do not print a line per event
  -h, --help        show this help

Pages: /  demo storefront · /console  live event console · /js/affitor-tracker.js  the script
API:   POST /api/v1/track/{click,lead,sale,refund} — point data-affitor-api-base / apiUrl at the sandbox.`;

const TOP_USAGE = `Usage: affitor-tracker <command>

Commands:
  sandbox [options]   run the local Affitor-compatible sandbox (see: affitor-tracker sandbox --help)`;

export interface CliConfig {
  options: SandboxOptions;
  quiet: boolean;
}

function integerOption(name: string, raw: unknown, min: number, max: number): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new SettingsError(`${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`);
  return n;
}

/** `A, B` → ['A', 'B']; unset or empty → undefined. */
function commaList(raw: string | undefined): string[] | undefined {
  return raw ? raw.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
}

function flag(raw: string | undefined): boolean {
  return raw !== undefined && /^(1|true|yes|on)$/i.test(raw.trim());
}

/** Flags > environment > config file > defaults. Throws SettingsError with a message for the user. */
export function resolveConfig(args: string[], env: NodeJS.ProcessEnv): CliConfig | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        db: { type: 'string' },
        memory: { type: 'boolean' },
        'api-key': { type: 'string' },
        'program-id': { type: 'string' },
        partner: { type: 'string', multiple: true },
        'allowed-host': { type: 'string', multiple: true },
        config: { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    throw new SettingsError(`${(err as Error).message}\nRun \`affitor-tracker sandbox --help\` for the options.`);
  }
  if (parsed.help) return 'help';

  const configPath = parsed.config ?? env.AFFITOR_SANDBOX_CONFIG;
  let file: Record<string, unknown> = {};
  if (configPath) {
    try {
      file = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new SettingsError(`Cannot read config file ${configPath}: ${(err as Error).message}`);
    }
    if (file === null || typeof file !== 'object' || Array.isArray(file)) throw new SettingsError(`Config file ${configPath} must hold a JSON object`);
  }
  const pick = <T>(flagValue: T | undefined, envValue: T | undefined, fileValue: unknown): unknown =>
    flagValue !== undefined ? flagValue : envValue !== undefined && envValue !== '' ? envValue : fileValue;

  const memory = parsed.memory ?? (env.AFFITOR_SANDBOX_MEMORY !== undefined ? flag(env.AFFITOR_SANDBOX_MEMORY) : file.memory === true);
  const dbFile = pick(parsed.db, env.AFFITOR_SANDBOX_DB, file.db);
  if (dbFile !== undefined && typeof dbFile !== 'string') throw new SettingsError('db must be a file path');
  const apiKey = pick(parsed['api-key'], env.AFFITOR_SANDBOX_API_KEY, file.apiKey);
  if (apiKey !== undefined && (typeof apiKey !== 'string' || !/^\S{8,200}$/.test(apiKey))) {
    throw new SettingsError('api key must be 8–200 characters without spaces (Affitor keys look like affitor_…)');
  }
  const host = pick(parsed.host, env.AFFITOR_SANDBOX_HOST, file.host);
  if (host !== undefined && typeof host !== 'string') throw new SettingsError('host must be a string');

  const partnerSource: unknown[] = parsed.partner ?? commaList(env.AFFITOR_SANDBOX_PARTNERS) ?? (Array.isArray(file.partners) ? file.partners : []);
  if (file.partners !== undefined && !Array.isArray(file.partners)) throw new SettingsError('config "partners" must be an array');

  const allowedHosts: unknown[] =
    parsed['allowed-host'] ?? commaList(env.AFFITOR_SANDBOX_ALLOWED_HOSTS) ?? (Array.isArray(file.allowedHosts) ? file.allowedHosts : []);
  if (file.allowedHosts !== undefined && !Array.isArray(file.allowedHosts)) throw new SettingsError('config "allowedHosts" must be an array');
  for (const allowed of allowedHosts) {
    if (typeof allowed !== 'string' || !/^\.?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/.test(allowed)) {
      throw new SettingsError(`allowed host ${JSON.stringify(allowed)} must be a host name such as shop.test or .example.test`);
    }
  }

  return {
    quiet: parsed.quiet ?? false,
    options: {
      port: integerOption('port', pick(parsed.port, env.AFFITOR_SANDBOX_PORT, file.port), 0, 65535),
      host: host as string | undefined,
      db: memory ? MEMORY : resolve((dbFile as string | undefined) ?? DEFAULT_DB_FILE),
      apiKey: apiKey as string | undefined,
      programId: integerOption('program id', pick(parsed['program-id'], env.AFFITOR_SANDBOX_PROGRAM_ID, file.programId), 1, 2_000_000_000),
      partners: partnerSource.map(validatePartner),
      allowedHosts: allowedHosts as string[],
      settings: file.program === undefined ? {} : validateSettings(file.program),
    },
  };
}

function clock(at: number): string {
  return new Date(at).toTimeString().slice(0, 8);
}

/** One console line per feed item. Activities never contain a raw email (masked at the source). */
export function formatFeedItem(item: FeedItem): string {
  if (item.kind === 'admin') return `${clock(item.at)}  sandbox      ${item.explanation}`;
  const parts = [
    clock(item.at),
    item.type.padEnd(6),
    String(item.httpStatus),
    item.isTest ? 'TEST ' : '',
    item.partnerCode ? `${item.partnerCode}` : '',
    item.clickId ?? '',
    '—',
    item.explanation,
  ];
  return parts.filter(Boolean).join('  ');
}

/** Entry point of `affitor-tracker …` (bin/affitor-tracker.mjs). Resolves once the sandbox is up. */
export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(TOP_USAGE);
    if (command === undefined) process.exitCode = 1;
    return;
  }
  if (command !== 'sandbox') {
    console.error(`Unknown command "${command}".\n\n${TOP_USAGE}`);
    process.exitCode = 1;
    return;
  }

  let config: CliConfig | 'help';
  try {
    config = resolveConfig(rest, process.env);
  } catch (err) {
    console.error(`affitor-tracker sandbox: ${(err as Error).message}`);
    process.exitCode = 1;
    return;
  }
  if (config === 'help') {
    console.log(USAGE);
    return;
  }

  let sandbox;
  try {
    sandbox = await startSandbox(config.options);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') {
      console.error(`affitor-tracker sandbox: port ${config.options.port ?? DEFAULT_PORT} is already in use. Pass --port N (or --port 0 for any free port).`);
    } else if (err instanceof MissingSqliteError || err instanceof SettingsError) {
      console.error(`affitor-tracker sandbox: ${e.message}`);
    } else {
      console.error('affitor-tracker sandbox: could not start:', e);
    }
    process.exitCode = 1;
    return;
  }

  const host = config.options.host ?? DEFAULT_HOST;
  const shown = host === DEFAULT_HOST || host === '0.0.0.0' || host === '::' ? `http://localhost:${sandbox.port}` : sandbox.url;
  const program = sandbox.admin.program();
  const partners = (sandbox.admin.state(0).partners as Array<{ code: string; status: string; program_id: number }>).filter(
    (p) => p.program_id === sandbox.programId && p.code !== INACTIVE_LINK && p.code !== MISCONFIGURED_LINK,
  );
  console.log(
    [
      'Affitor sandbox is running',
      `  Storefront   ${shown}/`,
      `  Console      ${shown}/console`,
      `  API base     ${shown}   (data-affitor-api-base, or apiUrl for affitor-tracker/server)`,
      `  Script       ${shown}/js/affitor-tracker.js`,
      `  Program id   ${sandbox.programId}`,
      `  API key      ${sandbox.apiKey}`,
      `  Partners     ${partners.map((p) => (p.status === 'active' ? p.code : `${p.code} (${p.status})`)).join(', ') || '(none)'}; fixtures ${INACTIVE_LINK} (inactive), ${MISCONFIGURED_LINK} (misconfigured)`,
      `  Windows      cookie ${program.cookie_window_days} d, attribution ${program.attribution_window_days} d; commission ${program.commission_type === 'fixed' ? `${program.commission_fixed_cents} cents fixed` : `${program.commission_rate}%`}`,
      `  Data         ${sandbox.dbFile === MEMORY ? 'in memory (lost on exit)' : `${sandbox.dbFile} (SQLite, WAL)`}`,
      `Try ${shown}/?aff=${partners[0]?.code ?? 'PARTNER_A'} — Ctrl-C to stop.`,
    ].join('\n'),
  );
  if (!config.quiet) sandbox.onFeed((item) => console.log(formatFeedItem(item)));
  // init, verify and mcp find this sandbox through the record, whatever its port.
  recordSandbox(shown);
  process.on('exit', () => forgetSandbox());

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      console.error(`${signal} again: exiting without waiting.`);
      process.exit(1);
    }
    stopping = true;
    console.log(`\n${signal}: stopping (finishing in-flight requests)…`);
    sandbox.close().then(
      () => {
        console.log(sandbox.dbFile === MEMORY ? 'Stopped.' : `Stopped; data is in ${sandbox.dbFile}.`);
        process.exit(0);
      },
      (err: unknown) => {
        console.error('Error while stopping:', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
