// The readers and assertions every test double shares (the test sandbox, the MSW handlers). An
// assertion waits until what it expects is recorded, checking again on each tracked request, and
// otherwise throws an AttributionAssertionError saying what was expected, what came closest and
// what the last request of that kind was answered, so any test runner prints the reason.
import type { EventType } from '../sandbox/endpoints.js';
import { hashEmail } from '../sandbox/rules/values.js';
import type { Journey, RecordedClick, RecordedLead, RecordedRefund, RecordedRequest, RecordedSale, Records } from './records.js';

/** What the assertions read from: the records now, and a signal after each tracked request. */
export interface RecordSource {
  read(): Promise<Records>;
  /** Calls `listener` after each request the sandbox records; returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
}

/** Thrown by the `expect…` methods; its message explains the mismatch. */
export class AttributionAssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AttributionAssertionError';
  }
}

export interface WaitOptions {
  /**
   * How long to wait for a matching record, in ms (each tracked request checks again); 0 checks once.
   * @default the sandbox's `timeout` (5000)
   */
  timeout?: number;
}

/** Whose record: any of these given must match. */
export interface CustomerMatch {
  /** The key the app sent with the lead (its user id). */
  customerKey?: string;
  /** The email the app sent with the lead (compared by its hash: the sandbox never stores it). */
  email?: string;
  clickId?: string;
}

export interface ClickMatch {
  partner?: string;
  clickId?: string;
}

export interface LeadMatch extends CustomerMatch {
  /** The partner whose click the lead must be credited to. */
  partner?: string;
  /** Require a settled (false) or a provisional (true) lead. */
  provisional?: boolean;
}

export interface SaleMatch extends CustomerMatch {
  transactionId?: string;
  /** The partner the sale must be credited to; null: recorded without attribution. */
  partner?: string | null;
  amountCents?: number;
  currency?: string;
}

export interface RefundMatch {
  transactionId?: string;
  /** Null: a full refund. */
  refundAmountCents?: number | null;
}

export interface JourneyMatch extends CustomerMatch {
  /** The partner the whole journey must be credited to: the click, the lead and every sale. */
  partner: string;
  /**
   * How many sales the journey must have.
   * @default at least one
   */
  sales?: number;
}

/** Readers of what was recorded (oldest first) and assertions on it. */
export interface AttributionRecorder {
  /** Every request that reached a tracking endpoint, whatever its answer (test mode included). */
  requests(): Promise<RecordedRequest[]>;
  clicks(): Promise<RecordedClick[]>;
  leads(): Promise<RecordedLead[]>;
  sales(): Promise<RecordedSale[]>;
  refunds(): Promise<RecordedRefund[]>;
  /** One entry per customer: the click, the lead, the sales and refunds credited to them. */
  journeys(): Promise<Journey[]>;
  /** Resolves with the click once one matches; rejects with AttributionAssertionError explaining why not. */
  expectClick(match?: ClickMatch, options?: WaitOptions): Promise<RecordedClick>;
  expectLead(match: LeadMatch, options?: WaitOptions): Promise<RecordedLead>;
  expectSale(match: SaleMatch, options?: WaitOptions): Promise<RecordedSale>;
  expectRefund(match: RefundMatch, options?: WaitOptions): Promise<RecordedRefund>;
  /** One customer: a click of `partner`, a lead, and the sales, all credited to `partner`. */
  expectJourney(match: JourneyMatch, options?: WaitOptions): Promise<Journey>;
}

export const DEFAULT_TIMEOUT_MS = 5000;

type Check<T> = { found: T } | { mismatch: string };

/** Waits until `check` finds its record or the time is up; each change of the records checks again. */
async function waitFor<T>(source: RecordSource, timeout: number, error: AttributionAssertionError, check: (records: Records) => Check<T>): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    // Listening before reading: a request recorded between the read and the wait is not missed.
    let changed!: () => void;
    const change = new Promise<void>((resolve) => (changed = resolve));
    const stop = source.onChange(() => changed());
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const result = check(await source.read());
      if ('found' in result) return result.found;
      const left = deadline - Date.now();
      if (left <= 0) {
        error.message = result.mismatch;
        throw error;
      }
      await Promise.race([change, new Promise<void>((resolve) => (timer = setTimeout(resolve, left)))]);
    } finally {
      stop();
      clearTimeout(timer);
    }
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const json = (value: unknown) => {
  const text = JSON.stringify(value);
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
};

/** "the last lead request was answered 400: rejected: … (sent {…})", or that none came, with the counts. */
function lastRequest(records: Records, endpoint: EventType): string {
  const last = records.requests.filter((r) => r.endpoint === endpoint).at(-1);
  if (last) return `the last ${endpoint} request was answered ${last.status}: ${last.explanation} (sent ${json(last.body)})`;
  const counts = (['click', 'lead', 'sale', 'refund'] as const).map((e) => plural(records.requests.filter((r) => r.endpoint === e).length, `${e} request`));
  return `no ${endpoint} request reached the sandbox (it received ${counts.join(', ')})`;
}

function whoOf(match: CustomerMatch): string {
  const parts = [match.customerKey, match.email, match.clickId && `click ${match.clickId}`].filter(Boolean);
  return parts.length > 0 ? ` for ${parts.join(' / ')}` : '';
}

/** Whether a record of this customer (click id, key) is the one `match` names. */
function isCustomer(records: Records, match: CustomerMatch, clickId: string | null, customerKey: string | null): boolean {
  if (match.clickId !== undefined && clickId !== match.clickId) return false;
  if (match.customerKey !== undefined && customerKey !== match.customerKey) return false;
  if (match.email !== undefined && (clickId === null || records.emailHashes.get(clickId) !== hashEmail(match.email))) return false;
  return true;
}

const creditOf = (partner: string | null) => (partner === null ? 'credited to no partner' : `credited to ${partner}`);
const money = (cents: number, currency: string) => `${(cents / 100).toFixed(2)} ${currency}`;

export function createRecorder(source: RecordSource, defaultTimeout = DEFAULT_TIMEOUT_MS): AttributionRecorder {
  const read = async <K extends keyof Records>(key: K) => (await source.read())[key];
  const timeoutOf = (options?: WaitOptions) => options?.timeout ?? defaultTimeout;
  return {
    requests: () => read('requests'),
    clicks: () => read('clicks'),
    leads: () => read('leads'),
    sales: () => read('sales'),
    refunds: () => read('refunds'),
    journeys: () => read('journeys'),

    expectClick(match = {}, options) {
      const error = new AttributionAssertionError('');
      const expected = `click${match.partner ? ` from ${match.partner}` : ''}${match.clickId ? ` with click id ${match.clickId}` : ''} expected`;
      return waitFor<RecordedClick>(source, timeoutOf(options), error, (records) => {
        const found = records.clicks.find((c) => (match.partner === undefined || c.partner === match.partner) && (match.clickId === undefined || c.clickId === match.clickId));
        if (found) return { found };
        const other = records.clicks.at(-1);
        const got = other ? `got only other clicks, the last from ${other.partner} (${other.clickId})` : 'got none';
        return { mismatch: `${expected}; ${got} — ${lastRequest(records, 'click')}` };
      });
    },

    expectLead(match, options) {
      const error = new AttributionAssertionError('');
      const expected = `lead${whoOf(match)} expected${match.partner ? ` with the click of ${match.partner}` : ''}${match.provisional === undefined ? '' : match.provisional ? ' (provisional)' : ' (settled, not provisional)'}`;
      return waitFor<RecordedLead>(source, timeoutOf(options), error, (records) => {
        const theirs = records.leads.filter((l) => isCustomer(records, match, l.clickId, l.customerKey));
        const found = theirs.find((l) => (match.partner === undefined || l.partner === match.partner) && (match.provisional === undefined || l.provisional === match.provisional));
        if (found) return { found };
        const closest = theirs.at(-1);
        const got = closest
          ? `got one with the click of ${closest.partner} (${closest.clickId})${closest.provisional ? ', provisional' : ''}`
          : 'got none';
        return { mismatch: `${expected}; ${got} — ${lastRequest(records, 'lead')}` };
      });
    },

    expectSale(match, options) {
      const error = new AttributionAssertionError('');
      const what = [match.transactionId, match.amountCents !== undefined ? `of ${money(match.amountCents, match.currency ?? 'USD')}` : match.currency].filter(Boolean);
      const expected = `sale${what.length ? ` ${what.join(' ')}` : ''}${whoOf(match)} expected${match.partner === undefined ? '' : ` ${creditOf(match.partner)}`}`;
      return waitFor<RecordedSale>(source, timeoutOf(options), error, (records) => {
        const theirs = records.sales.filter(
          (s) => (match.transactionId === undefined || s.transactionId === match.transactionId) && isCustomer(records, match, s.clickId, s.customerKey),
        );
        const found = theirs.find(
          (s) =>
            (match.partner === undefined || s.partner === match.partner) &&
            (match.amountCents === undefined || s.amountCents === match.amountCents) &&
            (match.currency === undefined || s.currency === match.currency),
        );
        if (found) return { found };
        const closest = theirs.at(-1);
        const got = closest
          ? `got ${closest.transactionId} of ${money(closest.amountCents, closest.currency)} ${creditOf(closest.partner)}${closest.clickId ? ` (customer ${closest.clickId})` : ''}`
          : 'got none';
        return { mismatch: `${expected}; ${got} — ${lastRequest(records, 'sale')}` };
      });
    },

    expectRefund(match, options) {
      const error = new AttributionAssertionError('');
      const amount = match.refundAmountCents === undefined ? '' : match.refundAmountCents === null ? ' (full)' : ` of ${match.refundAmountCents} cents`;
      const expected = `refund${match.transactionId ? ` of ${match.transactionId}` : ''}${amount} expected`;
      return waitFor<RecordedRefund>(source, timeoutOf(options), error, (records) => {
        const theirs = records.refunds.filter((r) => match.transactionId === undefined || r.transactionId === match.transactionId);
        const found = theirs.find((r) => match.refundAmountCents === undefined || r.refundAmountCents === match.refundAmountCents);
        if (found) return { found };
        const closest = theirs.at(-1);
        const got = closest ? `got one of ${closest.refundAmountCents === null ? 'the full amount' : `${closest.refundAmountCents} cents`}` : 'got none';
        return { mismatch: `${expected}; ${got} — ${lastRequest(records, 'refund')}` };
      });
    },

    expectJourney(match, options) {
      const error = new AttributionAssertionError('');
      const salesWanted = match.sales === undefined ? 'a sale' : plural(match.sales, 'sale');
      const expected = `journey${whoOf(match)} expected: click of ${match.partner} → lead → ${salesWanted}, all credited to ${match.partner}`;
      return waitFor<Journey>(source, timeoutOf(options), error, (records) => {
        const theirs = records.journeys.filter((j) => isCustomer(records, match, j.clickId, j.customerKey ?? j.lead?.customerKey ?? null));
        const complete = (j: Journey) =>
          j.partner === match.partner &&
          j.clicks.some((c) => c.partner === match.partner) &&
          j.lead !== null &&
          j.lead.partner === match.partner &&
          (match.sales === undefined ? j.sales.length > 0 : j.sales.length === match.sales) &&
          j.sales.every((s) => s.partner === match.partner);
        const found = theirs.find(complete);
        if (found) return { found };
        const closest = theirs.at(-1);
        if (!closest) {
          const known = records.journeys.map((j) => `${j.clickId} (${j.partner}, ${j.customerKey ?? 'no key'}, ${plural(j.sales.length, 'sale')})`);
          const list = known.length ? `the journeys recorded: ${known.join('; ')}` : 'no customer was recorded at all';
          return { mismatch: `${expected}; got no such customer — ${list}; ${lastRequest(records, 'lead')}` };
        }
        const click = closest.clicks.find((c) => c.partner === match.partner);
        const steps = [
          click ? `click ✓ (${closest.clickId} from ${match.partner})` : `click ✗ (${closest.clickId} is credited to ${closest.partner})`,
          closest.lead === null ? 'lead ✗ (none)' : closest.lead.partner === match.partner ? 'lead ✓' : `lead ✗ (credited to ${closest.lead.partner})`,
        ];
        const wrongSale = closest.sales.find((s) => s.partner !== match.partner);
        const countOk = match.sales === undefined ? closest.sales.length > 0 : closest.sales.length === match.sales;
        steps.push(
          wrongSale
            ? `sale ✗ (${wrongSale.transactionId} ${creditOf(wrongSale.partner)})`
            : countOk
              ? `sales ✓ (${closest.sales.length})`
              : `sales ✗ (${plural(closest.sales.length, 'sale')} for this customer)`,
        );
        const lastStep: EventType = closest.lead === null ? 'lead' : 'sale';
        return { mismatch: `${expected}; got ${steps.join(', ')} — ${lastRequest(records, lastStep)}` };
      });
    },
  };
}
