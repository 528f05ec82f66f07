/**
 * Fixed-window rate limiting, as the Org API describes it: a number of requests per period,
 * with `X-RateLimit-Limit`, `-Remaining` and `-Reset` (ISO-8601 UTC of the next period) on
 * every response. `timeScale` shortens the period (60 s becomes 60/timeScale s) so that tests
 * see a reset without waiting a minute; the headers report the shortened period.
 */

export interface RateWindow {
  limit: number;
  remaining: number;
  /** Epoch ms when the current window ends. */
  resetAt: number;
}

export class FixedWindowLimiter {
  private windowStart: number;
  private used = 0;

  constructor(
    /** Requests per window; 0 = unlimited (headers still report a nominal budget). */
    readonly limit: number,
    readonly windowMs: number,
    private readonly clock: () => number,
  ) {
    this.windowStart = clock();
  }

  private roll(now: number): void {
    if (now >= this.windowStart + this.windowMs) {
      const elapsed = Math.floor((now - this.windowStart) / this.windowMs);
      this.windowStart += elapsed * this.windowMs;
      this.used = 0;
    }
  }

  /** Counts one request if the window has room. */
  take(): { allowed: boolean; window: RateWindow } {
    const now = this.clock();
    this.roll(now);
    const allowed = this.limit === 0 || this.used < this.limit;
    if (allowed) this.used++;
    return { allowed, window: this.peekAt(now) };
  }

  peek(): RateWindow {
    const now = this.clock();
    this.roll(now);
    return this.peekAt(now);
  }

  private peekAt(_now: number): RateWindow {
    const limit = this.limit === 0 ? UNLIMITED_BUDGET : this.limit;
    return {
      limit,
      remaining: Math.max(0, limit - this.used),
      resetAt: this.windowStart + this.windowMs,
    };
  }
}

/** What the headers say when no limit is configured: a budget no test run reaches. */
export const UNLIMITED_BUDGET = 1_000_000;

export function rateLimitHeaders(window: RateWindow): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(window.limit),
    'X-RateLimit-Remaining': String(window.remaining),
    'X-RateLimit-Reset': new Date(window.resetAt).toISOString(),
  };
}

/**
 * `Retry-After` in seconds. Whole seconds at real time; with a time scale the wait is often
 * below a second, so it is given with millisecond decimals (`0.06`) rather than rounded up
 * to a full second that would defeat the scaling.
 */
export function retryAfterSeconds(resetAt: number, now: number, scaled: boolean): string {
  const seconds = Math.max(0, resetAt - now) / 1000;
  if (!scaled) return String(Math.ceil(seconds));
  return String(Math.ceil(seconds * 1000) / 1000);
}
