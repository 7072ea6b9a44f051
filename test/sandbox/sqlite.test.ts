// The two SQLite drivers behind the sandbox's one connection interface (src/sandbox/sqlite.ts):
// node:sqlite where the runtime has it, better-sqlite3 elsewhere. Each driver this runtime can load
// must behave the same on what the sandbox relies on. CI runs this file on Node 20 (better-sqlite3)
// and on Node 22 and 24 (node:sqlite).
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { openSqlite, sqliteDriver, type SqliteDriver } from '../../src/sandbox/sqlite';

const [major, minor] = process.versions.node.split('.').map(Number);
/** Node 24, and Node 22 from 22.16: node:sqlite with aggregate functions and unknown named parameters. */
const hasUsableNodeSqlite = major > 22 || (major === 22 && minor >= 16);

function loads(driver: SqliteDriver): boolean {
  try {
    if (driver === 'better-sqlite3') createRequire(import.meta.url)('better-sqlite3');
    openSqlite(':memory:', {}, driver).close();
    return true;
  } catch {
    return false;
  }
}
const drivers = (['node:sqlite', 'better-sqlite3'] as const).filter(loads);

describe('the runtime driver', () => {
  it(`Node ${process.versions.node} uses ${hasUsableNodeSqlite ? 'its built-in node:sqlite (no native module)' : 'better-sqlite3'}`, () => {
    expect(sqliteDriver()).toBe(hasUsableNodeSqlite ? 'node:sqlite' : 'better-sqlite3');
    expect(drivers).toContain(sqliteDriver());
  });
});

describe.each(drivers)('%s', (driver) => {
  const open = () => {
    const db = openSqlite(':memory:', {}, driver);
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE, note TEXT, amount INTEGER)');
    return db;
  };

  it('binds positional and @named parameters (extra keys ignored, undefined as NULL) and reads rows back', () => {
    const db = open();
    const insert = db.prepare('INSERT INTO t (name, note, amount) VALUES (@name, @note, @amount)');
    expect(insert.run({ name: 'a', note: undefined, amount: 5, unrelated: 'ignored' })).toMatchObject({ changes: 1, lastInsertRowid: 1 });
    db.prepare('INSERT INTO t (name, note, amount) VALUES (?, ?, ?)').run('b', undefined, 7);
    expect({ ...db.prepare<[string], object>('SELECT name, note, amount FROM t WHERE name = ?').get('a') }).toEqual({ name: 'a', note: null, amount: 5 });
    expect(db.prepare('SELECT name FROM t ORDER BY id').all().map((row) => ({ ...(row as object) }))).toEqual([{ name: 'a' }, { name: 'b' }]);
    expect(db.prepare('SELECT 1 FROM t WHERE name = ?').get('none')).toBeUndefined();
    db.close();
  });

  it('transactions commit, roll back on a throw, and nest as savepoints (an inner failure rolls back alone)', () => {
    const db = open();
    const insert = db.prepare('INSERT INTO t (name) VALUES (?)');
    const count = () => (db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM t').get()!).n;
    const tx = db.transaction((names: string[]) => {
      expect(db.inTransaction).toBe(true);
      for (const name of names) insert.run(name);
      return names.length;
    });
    expect(tx(['a', 'b'])).toBe(2);
    expect(db.inTransaction).toBe(false);
    expect(() => tx(['c', 'a'])).toThrow(/UNIQUE/);
    expect(count()).toBe(2);
    const outer = db.transaction(() => {
      insert.run('d');
      expect(() => tx(['e', 'b'])).toThrow(/UNIQUE/);
      insert.run('f');
    });
    outer();
    expect(db.prepare('SELECT name FROM t ORDER BY id').all().map((row) => (row as { name: string }).name)).toEqual(['a', 'b', 'd', 'f']);
    db.close();
  });

  it('an aggregate receives BigInt integers, and safeIntegers reads a total past 2^53 exactly', () => {
    const db = open();
    db.aggregate<bigint>('big_sum', { start: 0n, step: (total, value) => total + (value as bigint), result: (total) => total });
    const insert = db.prepare('INSERT INTO t (name, amount) VALUES (?, ?)');
    insert.run('x', Number.MAX_SAFE_INTEGER);
    insert.run('y', Number.MAX_SAFE_INTEGER);
    const row = db.prepare<[], { total: bigint }>('SELECT big_sum(amount) AS total FROM t').safeIntegers(true).get()!;
    expect(row.total).toBe(2n * BigInt(Number.MAX_SAFE_INTEGER));
    expect(db.pragma('foreign_keys = ON')).toEqual([]);
    db.close();
  });
});
