// Where a running sandbox listens, for the other commands: `affitor-tracker sandbox` writes a small
// file in the user's state directory when it starts and removes it when it stops, so init, verify
// and mcp find it on whatever port it took (--port 0 included), from any directory.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface SandboxRecord {
  /** What the commands use, e.g. http://localhost:8787. */
  url: string;
  /** The sandbox process: a record whose process is gone is stale. */
  pid: number;
}

/** `$XDG_STATE_HOME/affitor-tracker/sandbox.json`, else `~/.local/state/affitor-tracker/sandbox.json`. */
export function discoveryFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'affitor-tracker', 'sandbox.json');
}

/** Records this process's sandbox (the newest started wins). Best effort: a read-only home only loses discovery. */
export function recordSandbox(url: string, env: NodeJS.ProcessEnv = process.env): void {
  try {
    const file = discoveryFile(env);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify({ url, pid: process.pid } satisfies SandboxRecord)}\n`);
  } catch {
    // discovery is a convenience; the sandbox itself runs without it
  }
}

/** Removes the record if it is this process's (a newer sandbox's record stays). */
export function forgetSandbox(env: NodeJS.ProcessEnv = process.env): void {
  if (readRecord(env)?.pid === process.pid) rmSync(discoveryFile(env), { force: true });
}

function readRecord(env: NodeJS.ProcessEnv): SandboxRecord | null {
  try {
    const record = JSON.parse(readFileSync(discoveryFile(env), 'utf8')) as Partial<SandboxRecord>;
    return typeof record.url === 'string' && Number.isSafeInteger(record.pid) ? (record as SandboxRecord) : null;
  } catch {
    return null;
  }
}

/** The recorded sandbox, if its process is still alive. */
export function recordedSandbox(env: NodeJS.ProcessEnv = process.env): SandboxRecord | null {
  const record = readRecord(env);
  if (!record) return null;
  try {
    process.kill(record.pid, 0);
    return record;
  } catch (err) {
    // EPERM: alive, but another user's process
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? record : null;
  }
}
