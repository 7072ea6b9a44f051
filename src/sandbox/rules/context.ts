// What every endpoint's rules receive: the statements, the clock and the event log.
import type { EventLog } from './event-log.js';
import type { Statements } from './statements.js';

export interface Rules {
  q: Statements;
  now: () => number;
  log: EventLog;
}
