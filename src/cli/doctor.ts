// `affitor-tracker doctor <url>`: checks a deployed page's Affitor integration and says how to fix
// each finding. Read-only: GET the page and the script, OPTIONS to the API; never a click.
import { CliError, EXIT, runCommand } from './command.js';
import { diagnose, type FindingStatus } from './doctor/checks.js';

const USAGE = `Usage: affitor-tracker doctor <url> [--json]

Checks a deployed page's integration: the Affitor tag present once, its program id, the script
reachable and matching its integrity (SRI) hash, the core file it loads from beside itself, the
API base allowed by the page's Content-Security-Policy (header and <meta>) and answering a CORS
preflight from the page's origin, a cookie domain browsers accept (public suffixes such as
*.vercel.app), debug mode, and other affiliate trackers on the page. Each finding comes with its fix.

It only reads: GET the page and the script files, OPTIONS (a CORS preflight) to the API. It never sends
a click, so it is safe against production.

Options:
  --json      one JSON object on stdout: {ok, url, findings: [{check, status, message, fix?}]}
              (status: pass | warn | fail | skip)
  -h, --help  show this help

Exit codes: 0 no finding failed (warnings allowed) · 1 a finding failed · 2 usage ·
4 the page could not be fetched`;

const LABEL: Record<FindingStatus, string> = { pass: 'ok  ', warn: 'WARN', fail: 'FAIL', skip: 'skip' };

export function run(argv: string[]): Promise<number> {
  return runCommand({ name: 'doctor', usage: USAGE, options: {}, positionals: { min: 1, max: 1 } }, argv, async ({ positionals, json, say, printJson, progress }) => {
    const [address] = positionals;
    if (!/^https?:\/\//i.test(address)) throw new CliError(EXIT.usage, 'usage', `the page must be an http:// or https:// URL (got ${JSON.stringify(address)})`);
    const step = progress(`Checking ${address}`);
    const report = await diagnose(address).finally(() => step.done());
    if (json) printJson(report);
    else {
      say(`affitor-tracker doctor ${report.url}`);
      for (const finding of report.findings) {
        say(`  ${LABEL[finding.status]}  ${finding.check.padEnd(14)} ${finding.message}`);
        if (finding.fix && (finding.status === 'fail' || finding.status === 'warn')) say(`        ${''.padEnd(14)} fix: ${finding.fix}`);
      }
      const failed = report.findings.filter((f) => f.status === 'fail').length;
      const warned = report.findings.filter((f) => f.status === 'warn').length;
      say(failed ? `${failed} problem(s) to fix${warned ? `, ${warned} warning(s)` : ''}.` : `No problems found${warned ? ` (${warned} warning(s))` : ''}.`);
    }
    return report.ok ? EXIT.ok : EXIT.failed;
  });
}
