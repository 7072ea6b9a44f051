// First-party proxy for Affitor in Next.js: the tracker script and /api/v1/track/* are served
// from your own origin, so blockers that list third-party tracking hosts do not see them, and the
// browser sends no CORS preflight. Merge `rewrites` into your own next.config.mjs.
//
// Page (e.g. app/layout.tsx):
//   <Script src="/affitor/js/affitor-tracker.js" data-affitor-program-id="123"
//     data-affitor-api-base="/affitor" strategy="afterInteractive" />
// Bundled library instead: init({ programId: 123, apiBase: '/affitor' }).
//
// Next.js proxies an external rewrite with the browser's request headers, cookies included, and
// adds X-Forwarded-For itself. If your cookies must not reach the Affitor API, serve /affitor/*
// from a route handler instead (recipes/cloudflare-worker/worker.mjs has a handler of that shape
// that forwards an explicit header list).

/** @type {import('next').NextConfig} */
const nextConfig = {
  async rewrites() {
    // Read when Next.js loads the config: the sandbox (e.g. http://localhost:4400) in development.
    const upstream = (process.env.AFFITOR_API_URL || 'https://api.affitor.com').replace(/\/+$/, '');
    return [
      { source: '/affitor/js/affitor-tracker.js', destination: `${upstream}/js/affitor-tracker.js` },
      // What the script loads from beside itself: the core, and debug mode's extras.
      { source: '/affitor/js/affitor-tracker.core.js', destination: `${upstream}/js/affitor-tracker.core.js` },
      { source: '/affitor/js/affitor-tracker.debug.js', destination: `${upstream}/js/affitor-tracker.debug.js` },
      { source: '/affitor/api/v1/track/:path*', destination: `${upstream}/api/v1/track/:path*` },
    ];
  },
};

export default nextConfig;
