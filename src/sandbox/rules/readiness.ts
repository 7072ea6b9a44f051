// GET /api/v1/programs/me/readiness (docs/protocol.md §12.4), computed from what this sandbox has
// really seen. What each gate means here, where a sandbox has no profile review or payout account:
// - profile: passes — the program exists with a name (the sandbox creates it);
// - economics: passes while a commission is configured (a rate above 0 %, or a fixed amount above 0);
// - payout: passes in mode 'manual' — the sandbox pays nobody;
// - tracking: passes once a click sent by the browser script (a real click or the debug-mode test
//   pageview) has reached the sandbox for this program;
// - live: the newest click, lead and sale of the program (test mode or real) — each 'attributed',
//   'unattributed', 'wrong_partner' (a sale refused for its partner) or 'pending' (none yet).
import type { Db } from '../db.js';
import type { ProgramRow } from '../schema.js';
import { DAY_MS } from './values.js';

/** How long a poller should wait between two readings. */
export const POLL_AFTER_SECONDS = 5;

type GateStatus = 'pass' | 'fail' | 'unknown';
type ChainStep = 'attributed' | 'unattributed' | 'wrong_partner' | 'pending';
type Gate = { status: GateStatus; next_action?: string };

export interface Readiness {
  program_id: number;
  state: 'draft' | 'configuring' | 'ready' | 'integration_verified' | 'live_verified';
  integration_verified: boolean;
  blocker: 'profile' | 'economics' | 'payout' | 'tracking' | 'live' | null;
  gates: {
    profile: Gate;
    economics: Gate;
    payout: Gate & { mode: 'stripe' | 'manual' };
    tracking: Gate & { detail?: string; checked_at: string };
    live: Gate & { test_chain: { click: ChainStep; lead: ChainStep; sale: ChainStep } };
  };
  last_event_at: { click: string | null; lead: string | null; sale: string | null };
  counts_24h: { clicks: number; leads: number; sales: number };
  /** The sandbox never rotates keys. */
  key_rotated_at: null;
  poll: { retry_after_seconds: number };
}

/** Sale refusals that are about the partner, not the customer (docs/protocol.md §5.3). */
const PARTNER_REFUSALS = ['No partner-program relationship found for this customer', 'partnerId required to create commission'];
const CHAIN_TYPES = ['click', 'lead', 'sale'] as const;

interface EventSummary {
  http_status: number;
  is_test: number;
  response: string;
}

export class ReadinessReport {
  private readonly newestDecision;
  private readonly lastSuccess;
  private readonly count24h;
  private readonly lastScriptClick;
  private readonly programByKey;

  constructor(
    db: Db,
    private readonly now: () => number,
  ) {
    this.programByKey = db.prepare<[string], ProgramRow>('SELECT * FROM programs WHERE api_key = ?');
    // A 409 (a repeat) or a 5xx says nothing about the integration: the decision before it does.
    this.newestDecision = db.prepare<[number, string], EventSummary>(
      `SELECT http_status, is_test, response FROM events
       WHERE program_id = ? AND type = ? AND http_status < 500 AND http_status != 409 ORDER BY id DESC LIMIT 1`,
    );
    this.lastSuccess = db.prepare<[number, string], { at: number | null }>(
      'SELECT MAX(at) AS at FROM events WHERE program_id = ? AND type = ? AND http_status BETWEEN 200 AND 299',
    );
    this.count24h = db.prepare<[number, string, number], { n: number }>(
      `SELECT COUNT(*) AS n FROM events WHERE program_id = ? AND type = ? AND is_test = 0 AND http_status = 200
         AND json_extract(response, '$.success') = 1 AND at >= ?`,
    );
    // The script's clicks carry the viewport (docs/protocol.md §3.3); server-side clicks do not.
    this.lastScriptClick = db.prepare<[number], { at: number; page: string | null }>(
      `SELECT at, COALESCE(json_extract(request, '$.page_url'), json_extract(request, '$.affiliate_url')) AS page FROM events
       WHERE program_id = ? AND type = 'click' AND http_status = 200 AND json_extract(request, '$.viewport_size') IS NOT NULL
       ORDER BY id DESC LIMIT 1`,
    );
  }

  /** The program of a `Bearer <key>` header (docs/protocol.md §5's rules), or null. */
  programFor(authorization: string | undefined): ProgramRow | null {
    if (!authorization?.startsWith('Bearer ')) return null;
    const token = authorization.slice('Bearer '.length).trim();
    return token ? (this.programByKey.get(token) ?? null) : null;
  }

  compute(program: ProgramRow): Readiness {
    const now = this.now();
    const iso = (at: number | null | undefined) => (typeof at === 'number' ? new Date(at).toISOString() : null);
    const commissionSet = program.commission_type === 'fixed' ? program.commission_fixed_cents > 0 : program.commission_rate > 0;
    const economics: Gate = commissionSet
      ? { status: 'pass' }
      : { status: 'fail', next_action: 'Set a commission above 0 (the console\'s program settings, or POST /sandbox/program).' };
    const scriptClick = this.lastScriptClick.get(program.id);
    const tracking: Readiness['gates']['tracking'] = scriptClick
      ? { status: 'pass', detail: `script click seen ${iso(scriptClick.at)} on ${scriptClick.page ?? 'an unknown page'}`, checked_at: iso(now)! }
      : {
          status: 'fail',
          detail: 'no click from the script has reached this sandbox yet',
          next_action: 'Open a page that loads the script pointed at this sandbox with ?aff=<partner code> (or data-affitor-debug="true" for a test pageview).',
          checked_at: iso(now)!,
        };
    const chain = {
      click: this.chainStep(program.id, 'click'),
      lead: this.chainStep(program.id, 'lead'),
      sale: this.chainStep(program.id, 'sale'),
    };
    const steps = Object.values(chain);
    const liveStatus: GateStatus = steps.every((s) => s === 'attributed')
      ? 'pass'
      : steps.some((s) => s === 'unattributed' || s === 'wrong_partner')
        ? 'fail'
        : 'unknown';
    const live: Readiness['gates']['live'] =
      liveStatus === 'pass'
        ? { status: 'pass', test_chain: chain }
        : { status: liveStatus, test_chain: chain, next_action: 'Run the chain click → lead → sale (test mode is enough) and read the console for each step.' };
    const gates: Readiness['gates'] = { profile: { status: 'pass' }, economics, payout: { status: 'pass', mode: 'manual' }, tracking, live };
    const blocker = (['profile', 'economics', 'payout', 'tracking', 'live'] as const).find((name) => gates[name].status !== 'pass') ?? null;
    const since = now - DAY_MS;
    return {
      program_id: program.id,
      state: blocker === null ? 'live_verified' : blocker === 'live' ? 'integration_verified' : blocker === 'tracking' ? 'ready' : 'configuring',
      integration_verified: tracking.status === 'pass',
      blocker,
      gates,
      last_event_at: {
        click: iso(this.lastSuccess.get(program.id, 'click')?.at),
        lead: iso(this.lastSuccess.get(program.id, 'lead')?.at),
        sale: iso(this.lastSuccess.get(program.id, 'sale')?.at),
      },
      counts_24h: {
        clicks: this.count24h.get(program.id, 'click', since)!.n,
        leads: this.count24h.get(program.id, 'lead', since)!.n,
        sales: this.count24h.get(program.id, 'sale', since)!.n,
      },
      key_rotated_at: null,
      poll: { retry_after_seconds: POLL_AFTER_SECONDS },
    };
  }

  private chainStep(programId: number, type: (typeof CHAIN_TYPES)[number]): ChainStep {
    const event = this.newestDecision.get(programId, type);
    if (!event) return 'pending';
    const answer = JSON.parse(event.response) as Record<string, unknown>;
    if (event.http_status >= 400) {
      return type === 'sale' && PARTNER_REFUSALS.includes(answer.error as string) ? 'wrong_partner' : 'unattributed';
    }
    if (answer.success !== true) return 'unattributed';
    if (event.is_test === 1) return 'attributed';
    if (type === 'lead' && answer.provisional === true) return 'pending';
    if (type === 'sale' && answer.attributed === false) return 'unattributed';
    return 'attributed';
  }
}
