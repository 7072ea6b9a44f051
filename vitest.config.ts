import { defineConfig } from 'vitest/config';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Unit tests: pure logic and Node-side code. Browser behaviour lives in e2e/ (Playwright + Chromium).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Files that need a DOM opt in with `// @vitest-environment happy-dom`.
    testTimeout: 15000,
    // The CLI finds a running sandbox through a record in $XDG_STATE_HOME: tests get their own, so a
    // developer's sandbox never leaks into them.
    env: { XDG_STATE_HOME: mkdtempSync(join(tmpdir(), 'affitor-test-state-')) },
  },
});
