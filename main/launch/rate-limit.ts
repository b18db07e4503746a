// A sliding one-minute window over launch requests, across all launching systems (issue 14).
// Why across all sources: the source is only a claim, so a per-source limit is no limit.

export interface RateLimit {
  /** Takes a place in the window; false when the window is full (the request is refused). */
  take(): boolean;
}

export function slidingMinute(perMinute: number, now: () => number): RateLimit {
  const times: number[] = [];
  return {
    take() {
      const cutoff = now() - 60_000;
      while (times.length > 0 && (times[0] as number) <= cutoff) times.shift();
      if (times.length >= perMinute) return false;
      times.push(now());
      return true;
    },
  };
}
