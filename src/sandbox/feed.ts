// The live feed: every tracking decision and sandbox-side action, kept (the newest few hundred) for
// the console's first paint, pushed to in-process listeners (the CLI prints them) and to the
// console's server-sent-events streams.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Activity } from './tracking.js';

const ITEMS_KEPT = 300;
const SSE_HEARTBEAT_MS = 15_000;

/** One line of the live feed: a tracking decision, or a sandbox-side action (fault, settings). */
export type FeedItem = (Activity & { kind: 'activity' }) | { kind: 'admin'; at: number; explanation: string };

export class Feed {
  private readonly listeners = new Set<(item: FeedItem) => void>();
  private readonly streams = new Set<ServerResponse>();
  private readonly heartbeat: NodeJS.Timeout;
  /** The newest items, oldest first. */
  readonly recent: FeedItem[] = [];

  constructor() {
    // Proxies and browsers drop an idle stream; a comment line every 15 s keeps it open.
    this.heartbeat = setInterval(() => {
      for (const stream of this.streams) stream.write(': keep-alive\n\n');
    }, SSE_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  publish(item: FeedItem): void {
    this.recent.push(item);
    if (this.recent.length > ITEMS_KEPT) this.recent.shift();
    for (const listener of this.listeners) {
      try {
        listener(item);
      } catch {
        // a broken listener must not break tracking
      }
    }
    if (this.streams.size > 0) {
      const frame = `data: ${JSON.stringify(item)}\n\n`;
      for (const stream of this.streams) stream.write(frame);
    }
  }

  /** A sandbox-side action (fault injected, settings changed, internal error). */
  note(explanation: string): void {
    this.publish({ kind: 'admin', at: Date.now(), explanation });
  }

  /** Returns an unsubscribe function. */
  listen(listener: (item: FeedItem) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Turns the response into an event stream that receives every item published from now on. */
  stream(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', ...headers });
    res.write('retry: 1000\n\n');
    this.streams.add(res);
    req.on('close', () => this.streams.delete(res));
  }

  clear(): void {
    this.recent.length = 0;
  }

  /** Ends every stream and the heartbeat. */
  close(): void {
    clearInterval(this.heartbeat);
    for (const stream of this.streams) stream.end();
    this.streams.clear();
  }
}
