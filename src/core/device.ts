// The device fields of a click body (docs/protocol.md §3.3), read when a click goes out.

/** `Temporal`, where the browser has it (Chromium 144+, Firefox 139+); typed here, not in TS's DOM lib yet. */
interface TemporalNow {
  Temporal?: { Now: { timeZoneId(): string } };
}

let zone: string | undefined;

/**
 * The visitor's IANA time zone, once per page. `Temporal.Now.timeZoneId()` answers at once; the
 * first `Intl.DateTimeFormat().resolvedOptions()` in a page loads time-zone data, most of a
 * landing's CPU (docs/figures.md), so Intl is asked only where Temporal is missing. Both give the
 * same name: the browser's one default time zone.
 */
export function timeZone(): string {
  if (zone == null) {
    zone = '';
    try {
      const temporal = (window as TemporalNow).Temporal;
      zone = (temporal ? temporal.Now.timeZoneId() : Intl.DateTimeFormat().resolvedOptions().timeZone) || '';
    } catch (e) {}
  }
  return zone;
}

/** Test hook: a fresh page. */
export const resetTimeZone = () => {
  zone = undefined;
};

export const deviceFields = () => ({
  user_agent: navigator.userAgent,
  language: navigator.language,
  timezone: timeZone(),
  screen_resolution: screen.width + 'x' + screen.height,
  viewport_size: innerWidth + 'x' + innerHeight,
});
