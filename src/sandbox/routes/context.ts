// What route handlers receive: the sandbox's parts, and the request being answered.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Admin } from '../admin.js';
import type { GroupCommit } from '../db.js';
import type { Faults } from '../faults.js';
import type { Feed } from '../feed.js';
import type { RateLimit } from '../http/rate-limit.js';
import type { IdempotencyKeys } from '../idempotency.js';
import type { ReadinessReport } from '../rules/readiness.js';
import type { TrackingApi } from '../tracking.js';

export interface SandboxParts {
  api: TrackingApi;
  writes: GroupCommit;
  idempotency: IdempotencyKeys;
  readiness: ReadinessReport;
  /** Readiness readings per program (docs/protocol.md §12.4's 429). */
  readinessLimit: RateLimit;
  faults: Faults;
  admin: Admin;
  feed: Feed;
  programId: number;
  apiKey: string;
  bodyLimit: number;
  /** Host names answered besides loopback, *.localhost and IP literals (`.example.test` admits subdomains). */
  allowedHosts: readonly string[];
  publicDir: string;
  distDir: string;
  /** Base URL on loopback (known once the server listens). */
  ownUrl(): string;
}

export interface Call {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** The path's capture groups, decoded. */
  params: string[];
  /** CORS headers for this request's answer. */
  cors: Record<string, string>;
}

export type Handler = (sandbox: SandboxParts, call: Call) => Promise<void> | void;
