// What every `affitor-tracker <command>` shares: argument parsing (node:util parseArgs), `--help`,
// `--json` (one JSON object on stdout and nothing else there), progress on stderr only in a
// terminal, and one set of exit codes (docs/cli.md). Each command module exports
// `run(argv): Promise<number>` built with `runCommand`; bin/affitor-tracker.mjs sets the exit code.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Exit codes shared by every command (documented in docs/cli.md). */
export const EXIT = {
  /** Everything checked passed / the command did what it was asked. */
  ok: 0,
  /** The command ran, and something it checked did not pass (a gate, a finding). */
  failed: 1,
  /** Bad arguments: an unknown flag, a missing or malformed value. */
  usage: 2,
  /** The API refused the key (401/403). */
  unauthorized: 3,
  /** The API or page could not be reached (DNS, refused connection, timeout). */
  unreachable: 4,
  /** The API answered, but not as the protocol says (5xx, unexpected body). */
  apiError: 5,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the user can act on: printed as its message (or `{ok:false,error}` with --json). */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    /** Stable machine-readable name, e.g. `unauthorized`; the `error.code` of the --json output. */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

export interface CommandSpec<O extends Options> {
  /** The command's name as typed: `verify`. */
  name: string;
  /** The full `--help` text. */
  usage: string;
  /** Command-specific flags; `--json` and `--help`/`-h` are added to every command. */
  options: O;
  /** How many positional arguments the command takes. */
  positionals?: { min: number; max: number };
}

/** What a command body receives. */
export interface CommandContext<V> {
  values: V;
  positionals: string[];
  /** `--json` was given: print exactly one JSON object with `printJson`, and nothing else on stdout. */
  json: boolean;
  /** Human-readable output line (stdout); a no-op with --json so stdout stays one JSON object. */
  say: (line: string) => void;
  /** The one JSON object of --json mode. */
  printJson: (value: unknown) => void;
  /**
   * Marks a long step. In a terminal (stderr is a TTY) it shows `label…` on stderr until `done()`;
   * elsewhere (CI, pipes, agents) it prints nothing.
   */
  progress: (label: string) => { done: () => void };
}

const COMMON_OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

type OptionValue<T> = T extends { type: 'boolean' } ? boolean : T extends { multiple: true } ? string[] : string;
/** The parsed flags, typed from the spec's options (absent flags are undefined). */
type Values<O extends Options> = { [K in keyof O]?: OptionValue<O[K]> } & { json?: boolean; help?: boolean };

function progressOnTty(label: string): { done: () => void } {
  const stderr = process.stderr;
  if (!stderr.isTTY) return { done: () => {} };
  stderr.write(`${label}…`);
  return {
    // Erase the progress line so the result that follows stands alone.
    done: () => void stderr.write('\r\x1b[K'),
  };
}

/**
 * Parses `argv` against the spec and runs `body`, turning `CliError`s and usage errors into their
 * message and exit code. `--help` prints the usage and exits 0 without running the body.
 */
export async function runCommand<O extends Options>(
  spec: CommandSpec<O>,
  argv: string[],
  body: (context: CommandContext<Values<O>>) => Promise<number>,
): Promise<number> {
  const json = argv.includes('--json');
  const printJson = (value: unknown) => process.stdout.write(JSON.stringify(value, null, 2) + '\n');
  const fail = (err: CliError): number => {
    if (json) printJson({ ok: false, error: { code: err.code, message: err.message } });
    else console.error(`affitor-tracker ${spec.name}: ${err.message}`);
    return err.exitCode;
  };

  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...spec.options, ...COMMON_OPTIONS }, strict: true, allowPositionals: true });
  } catch (err) {
    return fail(new CliError(EXIT.usage, 'usage', `${(err as Error).message}\nRun \`affitor-tracker ${spec.name} --help\` for the options.`));
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(spec.usage);
    return EXIT.ok;
  }
  const { min, max } = spec.positionals ?? { min: 0, max: 0 };
  if (parsed.positionals.length < min || parsed.positionals.length > max) {
    const expected = min === max ? `${min}` : `${min} to ${max}`;
    return fail(
      new CliError(EXIT.usage, 'usage', `expected ${expected} argument(s), got ${parsed.positionals.length}.\nRun \`affitor-tracker ${spec.name} --help\` for usage.`),
    );
  }

  try {
    return await body({
      values: parsed.values as Values<O>,
      positionals: parsed.positionals,
      json,
      say: (line) => {
        if (!json) console.log(line);
      },
      printJson,
      progress: progressOnTty,
    });
  } catch (err) {
    if (err instanceof CliError) return fail(err);
    throw err;
  }
}

/** Validates a `--api`-style value: an absolute http(s) URL, returned without trailing slashes. */
export function apiBaseOption(flag: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(EXIT.usage, 'usage', `${flag} must be an absolute URL such as http://localhost:8787 (got ${JSON.stringify(raw)})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(EXIT.usage, 'usage', `${flag} must be an http:// or https:// URL (got ${JSON.stringify(raw)})`);
  }
  return url.href.replace(/\/+$/, '');
}
