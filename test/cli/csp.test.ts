// CSP source-expression matching for doctor (CSP Level 3 "Does url match expression in origin").
import { describe, expect, it } from 'vitest';
import { connectAllowed, expressionAllows, parsePolicies, scriptAllowed } from '../../src/cli/doctor/csp';

const httpsPage = new URL('https://shop.example.com/pricing');
const httpPage = new URL('http://shop.example.com/');
const allows = (expression: string, url: string, page = httpsPage) => expressionAllows(expression, new URL(url), page);

describe('expressionAllows', () => {
  it.each([
    ['*', 'https://api.affitor.com/x', true],
    ["'none'", 'https://api.affitor.com/x', false],
    ["'self'", 'https://shop.example.com/api', true],
    ["'self'", 'https://other.example.com/api', false],
    ['https:', 'https://api.affitor.com/x', true],
    ['http:', 'https://api.affitor.com/x', true],
    ['https:', 'http://api.affitor.com/x', false],
    ['api.affitor.com', 'https://api.affitor.com/api/v1/track/click', true],
    ['https://api.affitor.com', 'https://api.affitor.com/api/v1/track/click', true],
    ['http://api.affitor.com', 'https://api.affitor.com/x', true],
    ['https://api.affitor.com', 'http://api.affitor.com/x', false],
    ['*.affitor.com', 'https://api.affitor.com/x', true],
    ['*.affitor.com', 'https://affitor.com/x', false],
    ['https://api.affitor.com:8443', 'https://api.affitor.com/x', false],
    ['https://api.affitor.com:*', 'https://api.affitor.com:8443/x', true],
    ['https://api.affitor.com/api/', 'https://api.affitor.com/api/v1/track/click', true],
    ['https://api.affitor.com/api', 'https://api.affitor.com/api/v1/track/click', false],
    ["'nonce-abc'", 'https://api.affitor.com/x', false],
  ])('%s vs %s → %s', (expression, url, expected) => {
    expect(allows(expression, url)).toBe(expected);
  });

  it("'self' on an http page also allows its https upgrade; a bare host on an https page does not allow http", () => {
    expect(allows("'self'", 'https://shop.example.com/x', httpPage)).toBe(true);
    expect(allows('api.affitor.com', 'http://api.affitor.com/x', httpsPage)).toBe(false);
    expect(allows('api.affitor.com', 'http://api.affitor.com/x', httpPage)).toBe(true);
  });
});

describe('policies', () => {
  const api = new URL('https://api.affitor.com/api/v1/track/click');
  it('connect-src falls back to default-src; without either, anything goes', () => {
    expect(connectAllowed(parsePolicies("default-src 'self'", 'header'), api, httpsPage)).toMatchObject({ allowed: false, blockedBy: "header default-src 'self'" });
    expect(connectAllowed(parsePolicies("default-src 'self'; connect-src https://api.affitor.com", 'header'), api, httpsPage).allowed).toBe(true);
    expect(connectAllowed(parsePolicies("script-src 'self'", 'header'), api, httpsPage).allowed).toBe(true);
  });

  it('every policy is enforced: two comma-joined header policies must both allow', () => {
    const policies = parsePolicies("connect-src *, connect-src 'self'", 'header');
    expect(policies).toHaveLength(2);
    expect(connectAllowed(policies, api, httpsPage).allowed).toBe(false);
  });

  it("script-src: a matching nonce allows; 'strict-dynamic' ignores the host list", () => {
    const script = new URL('https://api.affitor.com/js/affitor-tracker.js');
    const strict = parsePolicies("script-src 'nonce-r4nd' 'strict-dynamic' https://api.affitor.com", 'meta');
    expect(scriptAllowed(strict, script, httpsPage, undefined).allowed).toBe(false);
    expect(scriptAllowed(strict, script, httpsPage, 'r4nd').allowed).toBe(true);
    expect(scriptAllowed(strict, script, httpsPage, 'wrong').allowed).toBe(false);
    expect(scriptAllowed(parsePolicies('script-src-elem https://api.affitor.com; script-src \'none\'', 'header'), script, httpsPage, undefined).allowed).toBe(true);
  });
});
