// The Next.js recipe's rewrites, as Next.js would read them, and the mapping they produce.
import { afterEach, describe, expect, it, vi } from 'vitest';
import nextConfig from '../../recipes/nextjs/next.config.mjs';
import { applyRewrites } from './next-rewrite-harness';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('recipes/nextjs/next.config.mjs', () => {
  it('rewrites the script and the track endpoints to the Affitor API by default', async () => {
    vi.stubEnv('AFFITOR_API_URL', '');
    expect(await nextConfig.rewrites()).toEqual([
      { source: '/affitor/js/affitor-tracker.js', destination: 'https://api.affitor.com/js/affitor-tracker.js' },
      { source: '/affitor/js/affitor-tracker.core.js', destination: 'https://api.affitor.com/js/affitor-tracker.core.js' },
      { source: '/affitor/js/affitor-tracker.debug.js', destination: 'https://api.affitor.com/js/affitor-tracker.debug.js' },
      { source: '/affitor/api/v1/track/:path*', destination: 'https://api.affitor.com/api/v1/track/:path*' },
    ]);
  });

  it('points at AFFITOR_API_URL (e.g. the sandbox), without doubling a trailing slash', async () => {
    vi.stubEnv('AFFITOR_API_URL', 'http://localhost:4400/');
    const rewrites = await nextConfig.rewrites();
    expect(rewrites.map((r) => r.destination)).toEqual([
      'http://localhost:4400/js/affitor-tracker.js',
      'http://localhost:4400/js/affitor-tracker.core.js',
      'http://localhost:4400/js/affitor-tracker.debug.js',
      'http://localhost:4400/api/v1/track/:path*',
    ]);
    for (const file of ['affitor-tracker.js', 'affitor-tracker.core.js', 'affitor-tracker.debug.js']) {
      expect(applyRewrites(rewrites, `/affitor/js/${file}`)).toBe(`http://localhost:4400/js/${file}`);
    }
    for (const endpoint of ['click', 'lead', 'sale', 'refund']) {
      expect(applyRewrites(rewrites, `/affitor/api/v1/track/${endpoint}`)).toBe(`http://localhost:4400/api/v1/track/${endpoint}`);
    }
    expect(applyRewrites(rewrites, '/affitor/api/v1/cli/programs')).toBeNull();
    expect(applyRewrites(rewrites, '/affitor/js/other.js')).toBeNull();
    expect(applyRewrites(rewrites, '/js/affitor-tracker.js')).toBeNull();
  });
});
