// `affitor-tracker verify`: the test chain click → lead → sale → refund in test mode, then each
// readiness gate with pass/fail and the next action. Exit 0 only when every gate passes.
import { apiBaseOption, EXIT, runCommand } from './command.js';
import { LOCAL_SANDBOX_URL, resolveTarget, START_SANDBOX } from './target.js';
import { runVerification, type GateStatus } from './verification.js';

const USAGE = `Usage: affitor-tracker verify [--api URL] [--key KEY] [--json]

Runs the test chain click → lead → sale → refund in test mode (stored as test events: no
customer, commission or metrics change), then reads the program's readiness and prints each gate
with pass/fail and the next action.

Target: --api/--key, else AFFITOR_API_URL/AFFITOR_API_KEY (the environment, else ./.env), else the
running local sandbox, on whatever port it took (it records where it listens), else one on
${LOCAL_SANDBOX_URL} (or the port in AFFITOR_SANDBOX_PORT); a sandbox's key is read from it. With no
sandbox running, verify says so and exits 4: start one with \`${START_SANDBOX}\`.

Options:
  --api URL   API base, e.g. https://api.affitor.com or http://localhost:8787
  --key KEY   the program's API key (affitor_…)
  --json      one JSON object on stdout: {ok, api, program_id, state?, gates: [{name, status, detail?, next_action?}]}
  -h, --help  show this help

Exit codes: 0 every gate passed · 1 a gate failed · 2 usage · 3 the API refused the key ·
4 the API could not be reached · 5 the API answered outside the protocol or is rate-limiting`;

const LABEL: Record<GateStatus, string> = { pass: 'pass', fail: 'FAIL', unknown: '  ? ' };

export function run(argv: string[]): Promise<number> {
  return runCommand(
    { name: 'verify', usage: USAGE, options: { api: { type: 'string' }, key: { type: 'string' } } },
    argv,
    async ({ values, json, say, printJson, progress }) => {
      const api = values.api === undefined ? undefined : apiBaseOption('--api', values.api);
      const target = await resolveTarget({ api, key: values.key }, process.env);
      try {
        let step: { done: () => void } | undefined;
        const report = await runVerification(target, (label) => {
          step?.done();
          step = progress(label);
        }).finally(() => step?.done());
        if (json) printJson(report);
        else {
          say(`affitor-tracker verify ${report.api} (program ${report.program_id ?? '?'}${report.state ? `, state ${report.state}` : ''})`);
          for (const gate of report.gates) {
            say(`  ${LABEL[gate.status]}  ${gate.name.padEnd(12)}${gate.detail ? ` ${gate.detail}` : ''}`);
            if (gate.status !== 'pass' && gate.next_action) say(`        ${''.padEnd(12)} next: ${gate.next_action}`);
          }
          const failing = report.gates.filter((g) => g.status !== 'pass').length;
          say(report.ok ? 'Every gate passes.' : `${failing} gate(s) not passing.`);
        }
        return report.ok ? EXIT.ok : EXIT.failed;
      } finally {
        await target.close();
      }
    },
  );
}
