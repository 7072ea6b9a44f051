// The four tracking endpoints (docs/protocol.md §5, protocol §10). Each endpoint's rules live in rules/<endpoint>.ts;
// this runs each one synchronously inside one SQLite transaction, so concurrent requests can never
// interleave half-applied writes, and returns the HTTP answer plus a one-line explanation of the
// decision for the console.
import type { Db } from './db.js';
import type { EventType } from './endpoints.js';
import { click, ClickIdMinter } from './rules/click.js';
import type { Rules } from './rules/context.js';
import { EventLog, type RequestContext, type TrackResult } from './rules/event-log.js';
import { lead } from './rules/lead.js';
import { refund } from './rules/refund.js';
import { sale } from './rules/sale.js';
import { prepareStatements } from './rules/statements.js';
import type { Body } from './rules/values.js';

export type { Activity, RequestContext, TrackResult } from './rules/event-log.js';

type Endpoint = (body: Body, ctx: RequestContext) => TrackResult;

export class TrackingApi {
  private readonly endpoints: Readonly<Record<EventType, Endpoint>>;

  constructor(db: Db, now: () => number = Date.now) {
    const q = prepareStatements(db);
    const rules: Rules = { q, now, log: new EventLog(q) };
    const clickIds = new ClickIdMinter(rules);
    // Each endpoint is one transaction: either every row of a decision is written, or none.
    this.endpoints = {
      click: db.transaction((body: Body, ctx: RequestContext) => click(rules, clickIds, body, ctx)),
      lead: db.transaction((body: Body, ctx: RequestContext) => lead(rules, body, ctx)),
      sale: db.transaction((body: Body, ctx: RequestContext) => sale(rules, body, ctx)),
      refund: db.transaction((body: Body, ctx: RequestContext) => refund(rules, body, ctx)),
    };
  }

  track(endpoint: EventType, body: Body, ctx: RequestContext): TrackResult {
    return this.endpoints[endpoint](body, ctx);
  }
}
