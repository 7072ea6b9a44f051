// Debug-mode extras (contract §7): cookie self-test, production warning, one test pageview per load.
import { CLICK_PATH, clickBody, newPendingClick } from './click.js';
import { DEFAULT_API_BASE } from '../shared/constants.js';
import { apiBase, programId } from './config.js';
import { getCookie, rereadCookies, setCookie } from './cookie-jar.js';
import { error, log, warn } from './log.js';
import { post } from './transport.js';

const TEST_COOKIE = 'affitor_test_cookie';
let testPageviewSent = false;

export function debugChecks(aff: string | null) {
  const value = 'test_' + Date.now();
  setCookie(TEST_COOKIE, value, 1);
  rereadCookies();
  if (getCookie(TEST_COOKIE) == value) log('Cookie verification PASSED');
  else warn('Cookie verification FAILED - cookies may be blocked (privacy settings, ITP, extensions, no HTTPS)');
  setCookie(TEST_COOKIE, '', -1);

  if (aff && apiBase == DEFAULT_API_BASE) warn('Real click on the production API');

  if (testPageviewSent) return;
  testPageviewSent = true;
  if (programId == null) return error('No program ID: no test pageview');
  // Test mode: stored as a test event, creating no customer, and it never writes cookies.
  const body = Object.assign(clickBody(newPendingClick(location.href), document.title), { additional_data: { test_mode: true, program_id: programId } });
  log('Sending test click event:', body);
  void post(CLICK_PATH, body).then((outcome) => log('Test click event response:', ...outcome));
}
