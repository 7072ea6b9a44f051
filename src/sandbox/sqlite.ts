// The sandbox's SQLite connection, from whichever driver the runtime offers: Node's built-in
// `node:sqlite` (Node 24 and current Node 22: nothing to install or compile), else `better-sqlite3`
// (Node 20: an optional peer dependency, a native module). Both are seen through the one small
// interface below, which is the part of better-sqlite3's API the sandbox uses, so the rest of the
// sandbox does not know which driver runs.
import { createRequire } from 'node:module';

export type SqliteDriver = 'node:sqlite' | 'better-sqlite3';

export interface RunResult {
  changes: number | bigint;
  lastInsertRowid: number | bigint;
}

/** A prepared statement: positional parameters, or one object for `@name` parameters. */
export interface Statement<P extends unknown[] = unknown[], R = unknown> {
  run(...params: P): RunResult;
  get(...params: P): R | undefined;
  all(...params: P): R[];
  /** Read integers as BigInt (totals past 2^53); returns the statement. */
  safeIntegers(on: boolean): this;
}

export interface AggregateOptions<T> {
  start: T;
  step: (total: T, value: unknown) => T;
  result: (total: T) => unknown;
}

export interface Db {
  readonly driver: SqliteDriver;
  /** Whether a transaction is open (inside `transaction`'s function). */
  readonly inTransaction: boolean;
  prepare<P extends unknown[] = unknown[], R = unknown>(sql: string): Statement<P, R>;
  exec(sql: string): void;
  /** `PRAGMA <pragma>`; its rows. */
  pragma(pragma: string): unknown[];
  /**
   * `fn` wrapped in a transaction: BEGIN … COMMIT, or a SAVEPOINT when called inside another one,
   * so a nested failure rolls back alone. Rolled back when `fn` throws.
   */
  transaction<A extends unknown[], T>(fn: (...args: A) => T): (...args: A) => T;
  /** A deterministic aggregate SQL function whose step receives integers as BigInt. */
  aggregate<T>(name: string, options: AggregateOptions<T>): void;
  close(): void;
}

export interface OpenOptions {
  readonly?: boolean;
}

export class MissingSqliteError extends Error {
  constructor(cause: unknown) {
    super(
      `The sandbox needs SQLite: Node ${process.versions.node} has no usable built-in node:sqlite ` +
        '(Node 24 and current Node 22 have it), and the fallback, better-sqlite3, is not installed. Either\n' +
        '  use Node 22 or 24 (nothing to install), or\n' +
        '  npm install --save-dev better-sqlite3@12   (a native module: it compiles on install)\n' +
        `(loading better-sqlite3 failed: ${cause instanceof Error ? cause.message : String(cause)})`,
    );
    this.name = 'MissingSqliteError';
  }
}

const load = createRequire(import.meta.url);

// The part of node:sqlite used here, typed by hand: @types/node 20 (the oldest Node supported)
// has no node:sqlite.
type SqlValue = null | number | bigint | string | Uint8Array;
interface NativeStatement {
  run(...params: unknown[]): RunResult;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  setReadBigInts(on: boolean): void;
  setAllowUnknownNamedParameters(on: boolean): void;
}
interface NativeDatabase {
  prepare(sql: string): NativeStatement;
  exec(sql: string): void;
  aggregate(name: string, options: { start: unknown; step: (total: never, value: never) => unknown; result: (total: never) => SqlValue; deterministic: boolean; useBigIntArguments: boolean }): void;
  close(): void;
}
interface NodeSqlite {
  DatabaseSync: (new (file: string, options: { readOnly: boolean }) => NativeDatabase) & { prototype: Partial<NativeDatabase> };
  StatementSync?: { prototype: Partial<NativeStatement> };
}

/** Node prints "SQLite is an experimental feature" on the module's first load; the sandbox uses its settled core. */
export const SQLITE_WARNING = 'SQLite is an experimental feature';

function loadNodeSqlite(): NodeSqlite | null {
  const emit = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  const original = Object.getOwnPropertyDescriptor(process, 'emitWarning')!;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (!String(typeof warning === 'string' ? warning : warning.message).startsWith(SQLITE_WARNING)) emit(warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    const sqlite = load('node:sqlite') as NodeSqlite;
    // What the sandbox needs beyond the first releases' API: aggregate functions and ignoring the
    // extra keys of a row object bound to a statement (better-sqlite3's behaviour).
    const usable =
      typeof sqlite.DatabaseSync.prototype.aggregate === 'function' &&
      typeof sqlite.StatementSync?.prototype.setAllowUnknownNamedParameters === 'function';
    return usable ? sqlite : null;
  } catch {
    return null;
  } finally {
    Object.defineProperty(process, 'emitWarning', original);
  }
}

let chosen: SqliteDriver | null = null;
let nodeSqlite: NodeSqlite | null = null;

/**
 * The driver this runtime uses: node:sqlite where it is usable, else better-sqlite3.
 * AFFITOR_SANDBOX_SQLITE=better-sqlite3 forces the fallback (to test it on a Node that has both).
 */
export function sqliteDriver(): SqliteDriver {
  if (chosen) return chosen;
  nodeSqlite = process.env.AFFITOR_SANDBOX_SQLITE === 'better-sqlite3' ? null : loadNodeSqlite();
  chosen = nodeSqlite ? 'node:sqlite' : 'better-sqlite3';
  return chosen;
}

/** Where a worker thread loads the driver from: `node:sqlite`, or better-sqlite3's resolved path. */
export function driverModule(): string {
  return sqliteDriver() === 'node:sqlite' ? 'node:sqlite' : load.resolve('better-sqlite3');
}

/** Opens a connection to `file` (':memory:' for a throwaway database) with the runtime's driver, or the one named. */
export function openSqlite(file: string, options: OpenOptions = {}, driver: SqliteDriver = sqliteDriver()): Db {
  if (driver === 'better-sqlite3') return openBetterSqlite(file, options);
  const sqlite = nodeSqlite ?? loadNodeSqlite();
  if (!sqlite) throw new Error(`node:sqlite is not usable on Node ${process.versions.node}`);
  return openNodeSqlite(sqlite, file, options);
}

function openBetterSqlite(file: string, options: OpenOptions): Db {
  type Native = import('better-sqlite3').Database;
  let Driver: new (file: string, options?: { readonly?: boolean }) => Native;
  try {
    Driver = load('better-sqlite3') as typeof Driver;
  } catch (err) {
    throw new MissingSqliteError(err);
  }
  const db = new Driver(file, { readonly: options.readonly === true });
  return {
    driver: 'better-sqlite3',
    get inTransaction() {
      return db.inTransaction;
    },
    prepare: <P extends unknown[], R>(sql: string) => db.prepare(sql) as unknown as Statement<P, R>,
    exec: (sql) => void db.exec(sql),
    pragma: (pragma) => db.pragma(pragma) as unknown[],
    transaction: (fn) => db.transaction(fn),
    aggregate: (name, { start, step, result }) =>
      void db.aggregate(name, { safeIntegers: true, deterministic: true, start: () => start, step, result: result as (total: unknown) => number }),
    close: () => void db.close(),
  };
}

/** better-sqlite3 binds `undefined` as NULL; node:sqlite refuses it. */
const bindable = (params: unknown[]): unknown[] =>
  params.map((value) => {
    if (value === undefined) return null;
    if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) {
      return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, v === undefined ? null : v]));
    }
    return value;
  });

function openNodeSqlite(sqlite: NodeSqlite, file: string, options: OpenOptions): Db {
  const db = new sqlite.DatabaseSync(file, { readOnly: options.readonly === true });
  let depth = 0;
  return {
    driver: 'node:sqlite',
    get inTransaction() {
      return depth > 0;
    },
    prepare<P extends unknown[], R>(sql: string): Statement<P, R> {
      const native = db.prepare(sql);
      native.setAllowUnknownNamedParameters(true);
      const statement: Statement<P, R> = {
        run: (...params) => native.run(...bindable(params)),
        get: (...params) => native.get(...bindable(params)) as R | undefined,
        all: (...params) => native.all(...bindable(params)) as R[],
        safeIntegers(on) {
          native.setReadBigInts(on);
          return this;
        },
      };
      return statement;
    },
    exec: (sql) => db.exec(sql),
    pragma: (pragma) => db.prepare(`PRAGMA ${pragma}`).all(),
    transaction<A extends unknown[], T>(fn: (...args: A) => T) {
      return (...args: A): T => {
        const savepoint = depth > 0 ? `nested_${depth}` : null;
        db.exec(savepoint ? `SAVEPOINT ${savepoint}` : 'BEGIN');
        depth++;
        let result: T;
        try {
          result = fn(...args);
          db.exec(savepoint ? `RELEASE ${savepoint}` : 'COMMIT');
        } catch (err) {
          // Undo what `fn` wrote (and end a transaction a failed COMMIT left open). SQLite may
          // already have rolled it back itself; then there is nothing to undo.
          try {
            db.exec(savepoint ? `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}` : 'ROLLBACK');
          } catch {
            // no transaction left to roll back
          }
          throw err;
        } finally {
          depth--;
        }
        return result;
      };
    },
    aggregate: (name, { start, step, result }) =>
      db.aggregate(name, { start, step: step as never, result: result as (total: never) => SqlValue, deterministic: true, useBigIntArguments: true }),
    close: () => db.close(),
  };
}
