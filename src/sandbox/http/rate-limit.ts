// A sliding-window request limit per caller.
export class RateLimit {
  private readonly recent = new Map<string | number, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request; returns null when it is allowed, else the seconds until the next one is. */
  take(caller: string | number): number | null {
    const now = this.now();
    const times = (this.recent.get(caller) ?? []).filter((at) => at > now - this.windowMs);
    if (times.length >= this.limit) {
      this.recent.set(caller, times);
      return Math.max(1, Math.ceil((times[0] + this.windowMs - now) / 1000));
    }
    times.push(now);
    this.recent.set(caller, times);
    return null;
  }
}
