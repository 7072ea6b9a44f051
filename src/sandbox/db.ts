// SQLite storage for the sandbox: opening the database, group commit, background checkpoints. The
// connection comes from sqlite.ts (node:sqlite where the runtime has it, else better-sqlite3), so
// library users who never run the sandbox need neither, and a missing driver is one clear message.
import { resolve as resolvePath } from 'node:path';
import { Worker } from 'node:worker_threads';
import { SCHEMA } from './schema.js';
import { driverModule, openSqlite, SQLITE_WARNING, type Db } from './sqlite.js';

export type { Db } from './sqlite.js';
export { MissingSqliteError } from './sqlite.js';

export const MEMORY = ':memory:';

/** WAL pages after which the writing connection checkpoints itself (see openDatabase). */
const WAL_BACKSTOP_PAGES = 16_000;
/** Pause between two background checkpoints: fewer fsyncs, each copying a bit more. */
const CHECKPOINT_INTERVAL_MS = 100;

/** Opens (creating if needed) the sandbox database: a file path, or MEMORY for a throwaway run. */
export async function openDatabase(file: string): Promise<Db> {
  const db = openSqlite(file);
  if (file !== MEMORY) {
    // WAL lets the console read while a write commits. synchronous=NORMAL in WAL mode keeps every
    // committed transaction across a process crash or kill (only an OS crash/power cut can drop the
    // newest commits), which is the right trade for a local test server that must do 2,000 clicks/s.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // Checkpoints (copy the WAL into the database file, then fsync it) are the slow part of a write:
    // ~20 µs per page, 30–90 ms for a few MB. Run on this connection they would block the event loop
    // and every request queued behind the commit, so a BackgroundCheckpointer does them on another
    // thread. This threshold is only the backstop that bounds the WAL (~64 MB) when the background
    // checkpoints never fully catch up (sustained load); it then copies just the small remainder.
    db.pragma(`wal_autocheckpoint = ${WAL_BACKSTOP_PAGES}`);
  }
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  registerExactSum(db);
  return db;
}

const INT64_MAX = 2n ** 63n - 1n;

/**
 * `exact_sum(x)`: SUM without its limits. SQLite's SUM fails with "integer overflow" past 2^63, and
 * amounts may each be up to 2^53 - 1, so totals are added as BigInt: an integer while one fits
 * (readers with safeIntegers get it exactly), else its decimal text.
 */
function registerExactSum(db: Db): void {
  db.aggregate<bigint>('exact_sum', {
    start: 0n,
    step: (total, value) => (value === null ? total : total + BigInt(value as bigint | number)),
    result: (total) => (total <= INT64_MAX ? total : total.toString()),
  });
}

/**
 * Group commit: requests that arrive in the same turn of the event loop are written in one SQLite
 * transaction, each inside its own savepoint (the tracking methods are themselves transactions, which
 * nest as savepoints, sqlite.ts), so one failing request rolls back alone. Every caller's promise
 * settles only after the shared COMMIT, so an acknowledged request is always on disk; if the COMMIT
 * itself fails, every request of the batch fails.
 */
export class GroupCommit {
  private queue: Array<{ work: () => unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void }> = [];
  private readonly writeBatch: (jobs: GroupCommit['queue']) => Array<{ ok: boolean; value: unknown }>;

  /** `afterCommit` runs after each successful COMMIT (the server uses it to wake the checkpointer). */
  constructor(
    db: Db,
    private readonly afterCommit: () => void = () => {},
  ) {
    this.writeBatch = db.transaction((jobs: GroupCommit['queue']) =>
      jobs.map((job) => {
        try {
          return { ok: true, value: job.work() };
        } catch (err) {
          return { ok: false, value: err };
        }
      }),
    );
  }

  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.queue.length === 0) setImmediate(() => this.flush());
      this.queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
    });
  }

  private flush(): void {
    const jobs = this.queue;
    this.queue = [];
    let outcomes: Array<{ ok: boolean; value: unknown }>;
    try {
      outcomes = this.writeBatch(jobs);
    } catch (err) {
      for (const job of jobs) job.reject(err);
      return;
    }
    jobs.forEach((job, i) => (outcomes[i].ok ? job.resolve(outcomes[i].value) : job.reject(outcomes[i].value)));
    try {
      this.afterCommit();
    } catch {
      // checkpointing is housekeeping: it must never fail a request
    }
  }
}

/** What `PRAGMA wal_checkpoint` reports: WAL frames in the log and how many are in the database file. */
export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

// Runs in a worker thread with its own connection to the same file. A PASSIVE checkpoint never waits
// for, nor blocks, the writer on the main thread: the writer keeps appending to the WAL meanwhile.
const CHECKPOINT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
let db;
if (workerData.driver === 'node:sqlite') {
  const emit = process.emitWarning;
  process.emitWarning = function (warning, ...rest) {
    if (!String(typeof warning === 'string' ? warning : warning && warning.message).startsWith(workerData.quiet)) emit.call(this, warning, ...rest);
  };
  const { DatabaseSync } = require('node:sqlite');
  process.emitWarning = emit;
  db = new DatabaseSync(workerData.file);
} else {
  const Database = require(workerData.driver);
  db = new Database(workerData.file, { fileMustExist: true });
}
const pragma = (text) => db.prepare('PRAGMA ' + text).all();
db.exec('PRAGMA synchronous = NORMAL');
let pause = null;
parentPort.on('message', (message) => {
  if (message === 'stop') {
    clearTimeout(pause);
    db.close();
    parentPort.close();
    return;
  }
  let result;
  try {
    result = { ...pragma('wal_checkpoint(PASSIVE)')[0] };
  } catch (err) {
    result = { error: String((err && err.message) || err) };
  }
  pause = setTimeout(() => parentPort.postMessage(result), workerData.intervalMs);
});
`;

/**
 * Moves WAL checkpoints off the request path. After a commit the server calls noteCommit(); the
 * worker then checkpoints (at most one every `intervalMs`, none while idle). Durability is unchanged:
 * a request is acknowledged after its COMMIT is in the WAL, exactly as before; checkpoints only copy
 * committed pages into the main file. If the worker cannot start, the writing connection's own
 * wal_autocheckpoint backstop still checkpoints, only on the main thread.
 */
export class BackgroundCheckpointer {
  private worker: Worker | null;
  private running = false;
  private dirty = false;
  private readonly exited: Promise<void>;
  /** The last background checkpoint's report (tests, diagnostics). */
  last: CheckpointResult | null = null;
  /** How many background checkpoints have completed. */
  rounds = 0;

  constructor(file: string, intervalMs = CHECKPOINT_INTERVAL_MS) {
    this.worker = new Worker(CHECKPOINT_WORKER, { eval: true, workerData: { driver: driverModule(), quiet: SQLITE_WARNING, file: resolvePath(file), intervalMs } });
    this.worker.unref();
    this.worker.on('message', (result: CheckpointResult | { error: string }) => {
      this.running = false;
      this.rounds++;
      if (!('error' in result)) this.last = result;
      this.kick();
    });
    this.exited = new Promise((resolve) => {
      this.worker!.once('exit', () => {
        this.worker = null;
        resolve();
      });
    });
    // A failing worker only means checkpoints fall back to the main thread.
    this.worker.on('error', () => {});
  }

  /** Something was committed: checkpoint it soon (coalesced while a checkpoint is running or pausing). */
  noteCommit(): void {
    this.dirty = true;
    this.kick();
  }

  private kick(): void {
    if (this.running || !this.dirty || !this.worker) return;
    this.running = true;
    this.dirty = false;
    this.worker.postMessage('checkpoint');
  }

  /** Stops the worker (after a checkpoint in progress) and closes its connection. */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.dirty = false;
    worker.postMessage('stop');
    const force = setTimeout(() => void worker.terminate(), 5000);
    await this.exited;
    clearTimeout(force);
  }
}
