// @vitest-environment happy-dom
// The click body's time zone (docs/protocol.md §3.3): Temporal where the browser has it, Intl
// otherwise, the same IANA name either way, asked once per page.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resetTimeZone, timeZone } from '../../src/core/device';

afterEach(() => {
  resetTimeZone();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('timeZone', () => {
  it('asks Temporal.Now.timeZoneId() when it exists, and never Intl', () => {
    const timeZoneId = vi.fn<() => string>(() => 'Asia/Ho_Chi_Minh');
    vi.stubGlobal('Temporal', { Now: { timeZoneId } });
    const intl = vi.spyOn(Intl, 'DateTimeFormat');
    expect(timeZone()).toBe('Asia/Ho_Chi_Minh');
    expect(timeZone()).toBe('Asia/Ho_Chi_Minh');
    expect(timeZoneId).toHaveBeenCalledOnce();
    expect(intl).not.toHaveBeenCalled();
  });

  it('falls back to Intl where there is no Temporal', () => {
    vi.stubGlobal('Temporal', undefined);
    expect(timeZone()).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });

  it('gives an empty string, not an exception, when neither can answer', () => {
    vi.stubGlobal('Temporal', { Now: { timeZoneId: () => { throw new RangeError('no zone'); } } });
    expect(timeZone()).toBe('');
  });
});
