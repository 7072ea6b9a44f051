// Group commit and background checkpoints: a request is answered only after its COMMIT, the
// after-commit hook sees committed data, and WAL checkpoints happen on the worker thread (the main
// connection's own backstop is far above what these tests write).
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '../../src/sandbox/sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { BackgroundCheckpointer, GroupCommit, openDatabase } from '../../src/sandbox/db';

const dir = mkdtempSync(join(tmpdir(), 'affitor-checkpoint-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function until(condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('GroupCommit', () => {
  it('settles each request after the shared COMMIT; afterCommit runs once per batch, after it', async () => {
    const file = join(dir, 'group.db');
    const db = await openDatabase(file);
    const reader = openSqlite(file, { readonly: true });
    const count = () => reader.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM programs').get()!.n;
    const seenAfterCommit: number[] = [];
    const writes = new GroupCommit(db, () => seenAfterCommit.push(count()));
    const insert = db.prepare('INSERT INTO programs (id, name, api_key) VALUES (?, ?, ?)');
    try {
      const acknowledged = await Promise.all(
        [1, 2, 3].map((id) =>
          writes.run(() => {
            expect(db.inTransaction).toBe(true);
            insert.run(id, `p${id}`, `key${id}`);
            return count(); // another connection does not see the batch before its COMMIT
          }),
        ),
      );
      expect(acknowledged).toEqual([0, 0, 0]);
      expect(seenAfterCommit).toEqual([3]);

      // One failing request rolls back alone; the batch still commits and the hook still runs.
      const mixed = await Promise.allSettled([
        writes.run(() => insert.run(4, 'p4', 'key4')),
        writes.run(() => insert.run(5, 'dup', 'key1')), // api_key is UNIQUE
      ]);
      expect(mixed.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
      expect(count()).toBe(4);
      expect(seenAfterCommit).toEqual([3, 4]);
    } finally {
      reader.close();
      db.close();
    }
  });
});

describe('BackgroundCheckpointer', () => {
  it('copies committed WAL pages into the database file off the main thread, and stops cleanly', async () => {
    const file = join(dir, 'background.db');
    const db = await openDatabase(file);
    const checkpointer = new BackgroundCheckpointer(file, 5);
    const writes = new GroupCommit(db, () => checkpointer.noteCommit());
    const insert = db.prepare('INSERT INTO events (at, type, http_status, explanation, request, response) VALUES (?, ?, ?, ?, ?, ?)');
    try {
      for (let batch = 0; batch < 20; batch++) {
        await Promise.all(Array.from({ length: 25 }, (_, i) => writes.run(() => insert.run(batch * 25 + i, 'click', 200, 'x'.repeat(200), '{}', '{}'))));
      }
      await until(() => checkpointer.last !== null && checkpointer.last.checkpointed === checkpointer.last.log && !checkpointer['dirty'] && !checkpointer['running']);
      expect(checkpointer.rounds).toBeGreaterThan(0);

      // The main file alone (no -wal next to it) already holds every acknowledged row.
      const copy = join(dir, 'background-copy.db');
      copyFileSync(file, copy);
      const alone = openSqlite(copy);
      expect(alone.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM events').get()!.n).toBe(500);
      alone.close();
    } finally {
      await checkpointer.close();
      await checkpointer.close(); // idempotent
      checkpointer.noteCommit(); // harmless once stopped
      db.close();
    }
  });

  it('a worker that cannot open the file leaves writes working (the main connection checkpoints instead)', async () => {
    const checkpointer = new BackgroundCheckpointer(join(dir, 'missing', 'nothing.db'), 5);
    checkpointer.noteCommit();
    await checkpointer.close();
    expect(checkpointer.last).toBeNull();
  });
});
