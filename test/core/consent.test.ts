// @vitest-environment happy-dom
// Consent mode's gate (consent.ts) and the stored choice every script honours (privacy.ts, gate.ts).
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createConsent, referrerLanding } from '../../src/core/consent';
import { closedWithoutConsentMode } from '../../src/core/gate';
import { eraseTrackerCookies, resetPrivacy, setChoice } from '../../src/core/privacy';
import { resetCookieJar } from '../../src/core/cookie-jar';
import { cookie, freshPage } from './fake-page';
import { defaultSettings, usePageSettings } from '../../src/core/config';

beforeEach(() => freshPage());

describe('consent mode', () => {
  it('required: closed until granted; the landing and the calls wait; granting tracks the held landing first', () => {
    usePageSettings({ ...defaultSettings(), consentRequired: true });
    const begun: string[] = [];
    const { gate, granted } = createConsent((url) => begun.push(url));
    expect(gate.allowed()).toBe(false);
    gate.hold('http://localhost:3000/l?aff=P1');
    const call = vi.fn<() => void>();
    gate.wait(call);
    setChoice(true);
    granted();
    expect(begun).toEqual(['http://localhost:3000/l?aff=P1']);
    expect(call).toHaveBeenCalledOnce();
    expect(gate.allowed()).toBe(true);
    expect(cookie('affitor_consent')).toBe('1');
  });

  it('a refusal drops calls instead of keeping them, and forget() clears what was held', () => {
    usePageSettings({ ...defaultSettings(), consentRequired: true });
    const begun: string[] = [];
    const { gate, granted } = createConsent((url) => begun.push(url));
    gate.hold('http://localhost:3000/l?aff=P1');
    gate.forget();
    setChoice(false);
    const call = vi.fn<() => void>();
    gate.wait(call);
    granted();
    expect(call).not.toHaveBeenCalled();
    expect(begun).toEqual([location.href]);
  });

  it('a stored choice is read from the cookie and wins over the setting, in both directions', () => {
    const { gate } = createConsent(() => {});
    document.cookie = 'affitor_consent=0; path=/';
    resetPrivacy();
    expect(gate.allowed()).toBe(false);
    usePageSettings({ ...defaultSettings(), consentRequired: true });
    document.cookie = 'affitor_consent=1; path=/';
    // A later page: the cookie jar and the choice are read afresh.
    resetCookieJar();
    resetPrivacy();
    expect(gate.allowed()).toBe(true);
  });

  it('takes the landing one page back only from a same-origin referrer that carries aff', () => {
    expect(referrerLanding('https://shop.test/l?aff=P1', 'https://shop.test')).toBe('https://shop.test/l?aff=P1');
    expect(referrerLanding('https://shop.test/l', 'https://shop.test')).toBeNull();
    expect(referrerLanding('https://shop.test.evil/l?aff=P1', 'https://shop.test')).toBeNull();
    expect(referrerLanding('https://partner.test/?aff=P1', 'https://shop.test')).toBeNull();
  });
});

describe('without consent mode (the main script)', () => {
  it('honours a stored refusal, and given consent "required" stays closed even after a stored yes', () => {
    expect(closedWithoutConsentMode.allowed()).toBe(true);
    setChoice(false);
    expect(closedWithoutConsentMode.allowed()).toBe(false);
    setChoice(true);
    usePageSettings({ ...defaultSettings(), consentRequired: true });
    expect(closedWithoutConsentMode.allowed()).toBe(false);
  });

  it('opt-out erases every affitor cookie and customer_code, and nothing else', () => {
    document.cookie = 'affitor_click_id=cust_1_1; path=/';
    document.cookie = 'customer_code=cust_1_1; path=/';
    document.cookie = 'affitor_pending_click=x; path=/';
    document.cookie = 'site_session=keep; path=/';
    eraseTrackerCookies();
    expect(document.cookie).toBe('site_session=keep');
  });
});
