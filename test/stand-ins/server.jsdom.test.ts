// @vitest-environment jsdom
// Server code tested under a DOM shim (a project-wide jsdom config) is still server code: the
// client constructs without `dangerouslyAllowBrowser` and behaves as in Node.
import { expect, it } from 'vitest';
import { Affitor } from '../../src/server/index';
import { serverStandInSuite } from './server-suite';

it('constructs in jsdom (Node underneath), both forms', () => {
  expect(typeof document).toBe('object');
  expect(new Affitor('prog_secret_key')).toBeInstanceOf(Affitor);
  expect(new Affitor({ apiKey: 'prog_secret_key' })).toBeInstanceOf(Affitor);
});

serverStandInSuite();
