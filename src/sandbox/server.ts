// The sandbox HTTP server's lifecycle: open the database, set up the program, listen, and close
// cleanly. What each path answers is in routes.ts.
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BackgroundCheckpointer, GroupCommit, MEMORY, openDatabase, type Db } from './db.js';
import { Admin, DEFAULT_PROGRAM_ID, type PartnerInput, type ProgramSettings } from './admin.js';
import { Faults } from './faults.js';
import { Feed, type FeedItem } from './feed.js';
import { sendJson } from './http/io.js';
import { RateLimit } from './http/rate-limit.js';
import { IdempotencyKeys } from './idempotency.js';
import { READINGS_PER_MINUTE } from './routes/readiness.js';
import { ReadinessReport } from './rules/readiness.js';
import { dispatch } from './routes.js';
import type { SandboxParts } from './routes/context.js';
import { TrackingApi } from './tracking.js';

export type { FeedItem } from './feed.js';

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_DB_FILE = '.affitor-sandbox.db';
/** Tracking bodies are small; 100 KB leaves room for line items and long URLs. */
export const DEFAULT_BODY_LIMIT_BYTES = 100 * 1024;
/** How long close() lets in-flight requests finish before it cuts their connections. */
const CLOSE_GRACE_MS = 5000;

export interface SandboxOptions {
  /**
   * Port to listen on; 0 picks a free one (tests).
   * @default 8787
   */
  port?: number;
  /**
   * Address to bind; a host name given here is also answered (see `allowedHosts`).
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * SQLite file, or ':memory:' for a throwaway run.
   * @default '.affitor-sandbox.db', in the working directory
   */
  db?: string;
  /**
   * The program's id.
   * @default 1
   */
  programId?: number;
  /**
   * The program's key.
   * @default the one stored in the data file, or a new random one (see admin.ts)
   */
  apiKey?: string;
  /**
   * Partners to create or update.
   * @default [], which on a fresh database means the demo partners
   */
  partners?: PartnerInput[];
  /**
   * Program settings to apply over the stored ones.
   * @default {}, the stored settings unchanged
   */
  settings?: Partial<ProgramSettings>;
  /**
   * Largest request body read, in bytes; a larger one is answered 413.
   * @default 102400
   */
  bodyLimitBytes?: number;
  /**
   * Host names to answer besides localhost, *.localhost and IP addresses (every other Host gets a 403,
   * against DNS rebinding); `.example.test` admits its subdomains. A host name to bind to is added.
   * @default []
   */
  allowedHosts?: string[];
  /**
   * Clock for the tracking rules (tests).
   * @default Date.now
   */
  now?: () => number;
}

export interface RunningSandbox {
  /** Base URL on loopback, e.g. http://127.0.0.1:8787 (what tests and the demo backend call). */
  url: string;
  port: number;
  programId: number;
  apiKey: string;
  dbFile: string;
  admin: Admin;
  faults: Faults;
  /** Called for every feed item (the CLI prints them). Returns an unsubscribe function. */
  onFeed(listener: (item: FeedItem) => void): () => void;
  /** Stops accepting requests, lets in-flight ones finish, ends SSE streams, closes the database. */
  close(): Promise<void>;
}

/** Where the package's files live, whether this runs from src/ (tests), dist/ (clone) or node_modules. */
function locateFiles(): { publicDir: string; distDir: string } {
  const here = dirname(fileURLToPath(import.meta.url));
  let root = here;
  for (let dir = here; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'affitor-tracker') {
      root = dir;
      break;
    }
    if (dirname(dir) === dir) break;
  }
  return { publicDir: join(here, 'public'), distDir: join(root, 'dist') };
}

/** The sandbox without its HTTP server: the database, the program and every part the handlers use. */
export interface OpenSandbox {
  parts: SandboxParts;
  /** Ends the feed, the background checkpoints and the database (after the server, if any, has closed). */
  close(): Promise<void>;
  /** The base URL the parts report, once a server listens. */
  setOwnUrl(url: string): void;
}

/** Opens the database and sets up the program: what startSandbox serves, and what the MSW handlers of affitor-tracker/testing answer with. */
export async function openSandbox(options: Omit<SandboxOptions, 'port'> = {}): Promise<OpenSandbox> {
  const dbFile = options.db ?? DEFAULT_DB_FILE;
  const programId = options.programId ?? DEFAULT_PROGRAM_ID;
  const db: Db = await openDatabase(dbFile);
  let admin: Admin;
  try {
    admin = Admin.setup(db, { programId, apiKey: options.apiKey, partners: options.partners ?? [], settings: options.settings ?? {} });
  } catch (err) {
    db.close();
    throw err;
  }
  const apiKey = admin.program().api_key;
  const now = options.now ?? Date.now;
  // File databases: WAL checkpoints run on a worker thread, off the request path (see db.ts).
  const checkpointer = dbFile === MEMORY ? null : new BackgroundCheckpointer(dbFile);
  const feed = new Feed();
  let ownUrl = '';
  const parts: SandboxParts = {
    api: new TrackingApi(db, now),
    idempotency: new IdempotencyKeys(db, now),
    readiness: new ReadinessReport(db, now),
    readinessLimit: new RateLimit(READINGS_PER_MINUTE, 60_000),
    writes: new GroupCommit(db, checkpointer ? () => checkpointer.noteCommit() : undefined),
    faults: new Faults(),
    admin,
    feed,
    programId,
    apiKey,
    bodyLimit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    allowedHosts: [...(options.allowedHosts ?? []), ...(options.host ? [options.host] : [])],
    ...locateFiles(),
    ownUrl: () => ownUrl,
  };
  let closing: Promise<void> | null = null;
  return {
    parts,
    setOwnUrl: (url) => {
      ownUrl = url;
    },
    close() {
      closing ??= (async () => {
        feed.close();
        await checkpointer?.close();
        db.close();
      })();
      return closing;
    },
  };
}

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const opened = await openSandbox(options);
  const { parts } = opened;
  const { feed, admin, programId, apiKey } = parts;
  const dbFile = options.db ?? DEFAULT_DB_FILE;

  const server = createServer((req, res) => {
    dispatch(parts, req, res).catch((err: unknown) => {
      // The last line of defence: no input may crash the sandbox.
      feed.note(`internal error on ${req.method} ${req.url}: ${(err as Error)?.message ?? String(err)}`);
      if (!res.headersSent) sendJson(res, 500, { error: 'Internal sandbox error' });
      else res.destroy();
    });
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  const host = options.host ?? DEFAULT_HOST;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (err: unknown) => {
    await opened.close();
    throw err;
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? DEFAULT_PORT);
  const loopback = host === '0.0.0.0' || host === '::' || host === 'localhost' ? '127.0.0.1' : host;
  const ownUrl = `http://${loopback.includes(':') ? `[${loopback}]` : loopback}:${port}`;
  opened.setOwnUrl(ownUrl);

  let closing: Promise<void> | null = null;
  return {
    url: ownUrl,
    port,
    programId,
    apiKey,
    dbFile,
    admin,
    faults: parts.faults,
    onFeed: (listener) => feed.listen(listener),
    close() {
      closing ??= (async () => {
        // SSE streams end first: server.close() waits for every open connection.
        feed.close();
        await new Promise<void>((resolve) => {
          // In-flight requests (e.g. a delayed one) finish and commit; idle keep-alive sockets go now.
          const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
          server.close(() => {
            clearTimeout(force);
            resolve();
          });
          server.closeIdleConnections();
        });
        await opened.close();
      })();
      return closing;
    },
  };
}
