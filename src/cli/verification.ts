// The test chain click → lead → sale → refund in test mode (docs/protocol.md §5.5), then readiness
// (protocol §12.4), through the server client. Shared by `verify` and the MCP server's `verify` tool.
import { Affitor, type AffitorResult } from '../server/index.js';
import { CliError, EXIT } from './command.js';

export type GateStatus = 'pass' | 'fail' | 'unknown';

export interface Gate {
  /** `test_click`, `test_lead`, `test_sale`, `test_refund`, then readiness's `profile`, `economics`, `payout`, `tracking`, `live`. */
  name: string;
  status: GateStatus;
  detail?: string;
  next_action?: string;
}

export interface VerifyReport {
  /** Every gate passed. */
  ok: boolean;
  api: string;
  program_id: number | null;
  /** Readiness's overall state after the chain (`integration_verified`, …), when it answered. */
  state?: string;
  gates: Gate[];
}

export interface VerifyTarget {
  api: string;
  apiKey: string;
}

/** A call that says nothing about the integration because the API could not be used at all. */
function stopFor(result: AffitorResult<unknown>, api: string, what: string): CliError | null {
  if (result.code === 'unauthorized') {
    return new CliError(
      EXIT.unauthorized,
      'unauthorized',
      `${api} refused the API key (HTTP ${result.status}${result.error ? `: ${result.error}` : ''}) on ${what}. Pass the program's key with --key (or AFFITOR_API_KEY), and check that --api is the environment the key belongs to.`,
    );
  }
  if (result.code === 'network_error' || result.code === 'timeout') {
    return new CliError(EXIT.unreachable, 'unreachable', `cannot reach ${api} (${result.error ?? result.code}) on ${what}. Check --api, and that the API (or \`npx affitor-tracker sandbox\`) is running.`);
  }
  if (result.code === 'rate_limited') {
    const wait = result.retryAfterSeconds ? ` in ${result.retryAfterSeconds} s` : ' later';
    return new CliError(EXIT.apiError, 'rate_limited', `${api} is rate-limiting ${what} (HTTP 429). Run verify again${wait}.`);
  }
  if (result.code === 'server_error' || result.code === 'unexpected_response') {
    return new CliError(EXIT.apiError, result.code, `${api} answered ${what} with HTTP ${result.status}${result.error ? ` (${result.error})` : ''}: not an answer the protocol allows here. Is --api an Affitor API base? Try again later if it is.`);
  }
  return null;
}

function chainGate(name: string, result: AffitorResult<unknown>, nextAction: string): Gate {
  if (result.ok) return { name, status: 'pass' };
  return { name, status: 'fail', detail: `HTTP ${result.status}: ${result.error ?? result.code}`, next_action: nextAction };
}

/**
 * Runs the chain and reads readiness. Throws CliError when the key is refused, the API cannot be
 * reached or answers outside the protocol; a failing step or gate is a `fail` gate instead.
 */
export async function runVerification(target: VerifyTarget, onStep: (label: string) => void = () => {}): Promise<VerifyReport> {
  const affitor = new Affitor({ apiKey: target.apiKey, apiUrl: target.api });
  const stopOn = (result: AffitorResult<unknown>, what: string) => {
    const stop = stopFor(result, target.api, what);
    if (stop) throw stop;
  };

  // Readiness first: it checks the key before anything is sent, and names the key's program.
  onStep('Reading readiness');
  const before = await affitor.readiness();
  stopOn(before, 'GET /api/v1/programs/me/readiness');
  if (!before.ok || !before.data) {
    throw new CliError(EXIT.apiError, 'no_readiness', `${target.api} has no readiness endpoint (HTTP ${before.status}${before.error ? `: ${before.error}` : ''}). Is --api an Affitor API base?`);
  }
  const programId = before.data.program_id;
  const testMode = { test_mode: true, program_id: programId };
  // One id per run, so repeated runs never collide with each other's test sale.
  const runId = `affitor-verify-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const gates: Gate[] = [];

  onStep('Test click');
  const click = await affitor.trackClick({ affiliateUrl: `https://verify.affitor-tracker.invalid/?aff=${runId}`, additionalData: testMode });
  stopOn(click, 'the test click');
  gates.push(chainGate('test_click', click, 'The click endpoint refused a test click: check that the key belongs to this program.'));

  onStep('Test lead');
  const lead = await affitor.trackLead({ customerExternalId: runId, additionalData: testMode });
  stopOn(lead, 'the test lead');
  gates.push(chainGate('test_lead', lead, 'The lead endpoint refused a test lead: see the detail.'));

  onStep('Test sale');
  const sale = await affitor.trackSale({ customerExternalId: runId, amount: 9999, invoiceId: runId, additionalData: { test_mode: true } });
  stopOn(sale, 'the test sale');
  gates.push(chainGate('test_sale', sale, 'The sale endpoint refused a test sale: see the detail.'));

  onStep('Test refund');
  if (sale.ok) {
    const refund = await affitor.trackRefund({ invoiceId: runId });
    stopOn(refund, 'the test refund');
    gates.push(chainGate('test_refund', refund, 'The refund endpoint did not find the test sale: see the detail.'));
  } else {
    gates.push({ name: 'test_refund', status: 'unknown', detail: 'not sent: the test sale failed', next_action: 'Fix the test sale first.' });
  }

  onStep('Re-checking readiness');
  const after = await affitor.readiness({ forceRecheck: true });
  stopOn(after, 'GET /api/v1/programs/me/readiness?force_recheck=true');
  const readiness = after.ok && after.data ? after.data : null;
  if (!readiness) {
    gates.push({ name: 'readiness', status: 'fail', detail: `HTTP ${after.status}: ${after.error ?? after.code}`, next_action: 'Run verify again.' });
  } else {
    const g = readiness.gates;
    const gate = (name: string, value: { status: GateStatus; next_action?: string; detail?: string }, detail?: string): Gate => ({
      name,
      status: value.status,
      ...(value.detail || detail ? { detail: [value.detail, detail].filter(Boolean).join('; ') } : {}),
      ...(value.next_action ? { next_action: value.next_action } : {}),
    });
    // Read defensively: an API may omit parts of the readiness answer.
    const chain = g.live.test_chain as typeof g.live.test_chain | undefined;
    gates.push(
      gate('profile', g.profile),
      gate('economics', g.economics),
      gate('payout', g.payout, `payout mode ${g.payout.mode}`),
      gate('tracking', g.tracking),
      gate('live', g.live, chain ? `test chain: click ${chain.click}, lead ${chain.lead}, sale ${chain.sale}` : undefined),
    );
  }
  return {
    ok: gates.every((gate) => gate.status === 'pass'),
    api: target.api,
    program_id: programId,
    ...(readiness ? { state: readiness.state } : {}),
    gates,
  };
}
