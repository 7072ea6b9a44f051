// Types for the copy-paste recipes (plain .mjs, so users need no build step); the repo's tsconfig
// does not type-check JavaScript, so the tests describe the shapes they rely on here.
declare module '*/express/affitor-proxy.mjs' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  export function affitorProxy(options?: {
    upstream?: string;
    basePath?: string;
    timeoutMs?: number;
  }): (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;
}

declare module '*/cloudflare-worker/worker.mjs' {
  const worker: {
    fetch(request: Request, env: { AFFITOR_API_URL?: string; AFFITOR_BASE_PATH?: string }): Promise<Response>;
  };
  export default worker;
}

declare module '*/nextjs/next.config.mjs' {
  const nextConfig: { rewrites(): Promise<{ source: string; destination: string }[]> };
  export default nextConfig;
}
