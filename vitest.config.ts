import { defineConfig } from 'vitest/config';

// Unit tests: pure logic and Node-side code. Browser behaviour lives in e2e/ (Playwright + Chromium).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Files that need a DOM opt in with `// @vitest-environment happy-dom`.
    testTimeout: 15000,
  },
});
