// `affitor-tracker init`: placeholder until the stack detection and codemods land.
import { CliError, EXIT, runCommand } from './command.js';

const USAGE = `Usage: affitor-tracker init [dir] [--program-id N] [--api URL] [--yes] [--dry-run] [--json]

Not available in this version yet: it makes no changes. Add the script tag and the server calls
by hand as the README's "Step 1" to "Step 3" describe.`;

export function run(argv: string[]): Promise<number> {
  return runCommand(
    {
      name: 'init',
      usage: USAGE,
      options: { 'program-id': { type: 'string' }, api: { type: 'string' }, yes: { type: 'boolean' }, 'dry-run': { type: 'boolean' } },
      positionals: { min: 0, max: 1 },
    },
    argv,
    async () => {
      throw new CliError(EXIT.failed, 'not_available', 'init is not available in this version yet; nothing was changed. See the README, "Step 1" to "Step 3".');
    },
  );
}
