// The idle-timeout warning (product.md 3b step 7 and 9): a modal countdown with "Stay logged in"
// and "Log out". Screen readers hear it when it opens and at each whole minute and the last
// 30 and 10 seconds — not every second, which would drown everything else out.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { EventPayload } from '../../preload/contract';
import { invoke, useEvent } from '../lib/api';

const spoken = (seconds: number): string => {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  const parts: string[] = [];
  if (minutes > 0) parts.push(`${minutes} minute${minutes === 1 ? '' : 's'}`);
  if (rest > 0 || minutes === 0) parts.push(`${rest} second${rest === 1 ? '' : 's'}`);
  return parts.join(' ');
};

const worthAnnouncing = (seconds: number, first: boolean) =>
  first || seconds % 60 === 0 || seconds === 30 || seconds === 10;

export function TimeoutDialog() {
  const [seconds, setSeconds] = useState<number | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const dialog = useRef<HTMLDialogElement>(null);

  const onWarning = useCallback((payload: EventPayload<'session.timeoutWarning'>) => {
    setSeconds((previous) => {
      if (worthAnnouncing(payload.secondsRemaining, previous === null)) {
        setAnnouncement(
          `You will be logged out in ${spoken(payload.secondsRemaining)} unless you choose to stay logged in.`,
        );
      }
      return payload.secondsRemaining;
    });
  }, []);
  useEvent('session.timeoutWarning', onWarning);

  // Any session change (stayed signed in, locked, ended) closes the warning.
  const onChanged = useCallback(() => {
    setSeconds(null);
    setAnnouncement('');
  }, []);
  useEvent('session.changed', onChanged);

  const open = seconds !== null;
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);

  return (
    <>
      <div className="nhsuk-u-visually-hidden" aria-live="assertive" role="status">
        {announcement}
      </div>
      <dialog
        ref={dialog}
        className="app-modal"
        role="alertdialog"
        aria-labelledby="timeout-title"
        aria-describedby="timeout-text"
        onCancel={(event) => event.preventDefault()}
      >
        {open ? (
          <>
            <h2 id="timeout-title" className="app-modal__title">
              You are about to be logged out
            </h2>
            <p id="timeout-text" className="nhsuk-body">
              For your security you will be logged out in <strong>{spoken(seconds)}</strong> because you have
              not used the system for a while.
            </p>
            <div className="app-button-row">
              <button
                className="nhsuk-button"
                type="button"
                autoFocus
                onClick={() => void invoke('auth.staySignedIn', {})}
              >
                Stay logged in
              </button>
              <button
                className="nhsuk-button nhsuk-button--secondary"
                type="button"
                onClick={() => void invoke('auth.logout', {})}
              >
                Log out
              </button>
            </div>
          </>
        ) : null}
      </dialog>
    </>
  );
}
