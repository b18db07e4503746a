// Single-use launch tokens (issue 12 finding 7). The address the launcher prints or hands to
// Chromium (`--app=URL`, readable by any local process in /proc/PID/cmdline) carries one of these,
// never the per-launch secret: the page exchanges it once, within 30 s, for the secret, and it is
// then worthless. Tokens are kept by their SHA-256, so a lookup compares no secret text.
import { createHash, randomBytes } from 'node:crypto';

export const launchTokenTtlMs = 30_000;

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

export class LaunchTokens {
  private readonly live = new Map<string, number>();

  constructor(
    private readonly ttlMs: number = launchTokenTtlMs,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new token (64 hex digits), valid once for `ttlMs`. */
  issue(): string {
    this.prune();
    const token = randomBytes(32).toString('hex');
    this.live.set(digest(token), this.now() + this.ttlMs);
    return token;
  }

  /** True once per issued token, within its lifetime; the token is spent either way. */
  redeem(token: string): boolean {
    const key = digest(token);
    const expires = this.live.get(key);
    this.live.delete(key);
    return expires !== undefined && this.now() <= expires;
  }

  private prune(): void {
    const now = this.now();
    for (const [key, expires] of this.live) if (expires < now) this.live.delete(key);
  }
}
