// The launch notice main holds (in-context launch, issue 14), refreshed whenever main says it
// changed or the session moves on. Main decides what a screen may see: the number only on the
// lock and sign-in screens, names only for the signed-in, unlocked user.
import { useCallback, useEffect, useState } from 'react';
import type { LaunchNotice } from '../../../preload/contract';
import { invoke } from '../../lib/api';

export function useLaunchNotice(): [LaunchNotice | null, () => void] {
  const [notice, setNotice] = useState<LaunchNotice | null>(null);
  const refresh = useCallback(() => {
    void invoke('launch.notice', {}).then((result) => setNotice(result.ok ? result.value : null));
  }, []);
  useEffect(() => {
    refresh();
    const offLaunch = window.smsp?.on('launch.changed', refresh);
    const offSession = window.smsp?.on('session.changed', refresh);
    // A waiting request lapses after 5 minutes; the screen stops mentioning it.
    const timer = setInterval(refresh, 30_000);
    return () => {
      offLaunch?.();
      offSession?.();
      clearInterval(timer);
    };
  }, [refresh]);
  return [notice, refresh];
}

/** "A system that says it is NAME": the source is only ever a claim. */
export function claimedBy(source: string | null): string {
  return source === null ? 'A system that did not give its name' : `A system that says it is ${source}`;
}
