// The workstation clock as the audit trail sees it (issue 12; MSCA-AUD-06 asks for a trusted time
// source, AUD-07 for UTC with the offset): the operating system's time synchronisation at
// start-up, and the skew against Spine's HTTP `Date` header on each exchange. A skew beyond
// `audit.maxClockSkewSeconds` is shown to the user, audited, and noted in every entry that
// follows until the clock is back within the limit.
import { execFile } from 'node:child_process';
import type { ClockStatus } from '../../preload/contract';

/** `timedatectl show -p NTPSynchronized --value` where systemd offers it; `unknown` elsewhere. */
export function timeSyncStatus(): Promise<ClockStatus['synchronised']> {
  if (process.platform !== 'linux') return Promise.resolve('unknown');
  return new Promise((resolve) => {
    execFile(
      'timedatectl',
      ['show', '-p', 'NTPSynchronized', '--value'],
      { timeout: 3_000 },
      (error, stdout) => {
        const value = String(stdout).trim();
        resolve(error ? 'unknown' : value === 'yes' ? 'yes' : value === 'no' ? 'no' : 'unknown');
      },
    );
  });
}

/**
 * Local clock minus the server's, in whole seconds, from an HTTP `Date` header (one-second
 * resolution, so anything under 2 s is noise and reads as 0). Null when the header is unusable.
 */
export function skewSeconds(dateHeader: string | undefined, localNow: number): number | null {
  if (!dateHeader) return null;
  const server = Date.parse(dateHeader);
  if (Number.isNaN(server)) return null;
  const skew = Math.round((localNow - server) / 1000);
  return Math.abs(skew) < 2 ? 0 : skew;
}

export interface ClockMonitor {
  status(): ClockStatus;
  /** Records the time-sync status found at start-up. */
  setSynchronised(value: ClockStatus['synchronised']): void;
  /**
   * One exchange's `Date` header. Returns `exceeded` / `recovered` when the skew crossed the limit
   * (the caller audits and tells the user), otherwise null.
   */
  observe(dateHeader: string | undefined, localNow?: number): 'exceeded' | 'recovered' | null;
  /** What every entry carries while the clock is outside the limit; null while within it. */
  note(): { readonly skewSeconds: number; readonly limitSeconds: number } | null;
}

export function createClockMonitor(limitSeconds: number): ClockMonitor {
  let state: ClockStatus = {
    synchronised: 'unknown',
    skewSeconds: null,
    checkedAt: null,
    limitSeconds,
    withinLimit: true,
  };
  return {
    status: () => state,
    setSynchronised: (synchronised) => {
      state = { ...state, synchronised };
    },
    observe: (dateHeader, localNow = Date.now()) => {
      const skew = skewSeconds(dateHeader, localNow);
      if (skew === null) return null;
      const within = Math.abs(skew) <= limitSeconds;
      const crossed = within === state.withinLimit ? null : within ? 'recovered' : 'exceeded';
      state = {
        ...state,
        skewSeconds: skew,
        checkedAt: new Date(localNow).toISOString(),
        withinLimit: within,
      };
      return crossed;
    },
    note: () =>
      state.withinLimit || state.skewSeconds === null
        ? null
        : { skewSeconds: state.skewSeconds, limitSeconds },
  };
}
