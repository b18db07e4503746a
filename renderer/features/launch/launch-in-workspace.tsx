// In the signed-in workspace: a patient another system asked to open (in-context launch,
// issue 14). Opened → the workspace shows the patient and asks for the access decision; another
// patient open → "Open … instead?", changed only when the user says so; refused → why, in words.
import { useEffect } from 'react';
import type { Patient, PersonName } from '../../../preload/contract';
import { formatNhsNumber } from '../../../preload/contract/nhs-number';
import { invoke } from '../../lib/api';
import { formatName } from '../../lib/cui';
import { Modal } from '../../components/modal';
import { claimedBy, useLaunchNotice } from './use-launch-notice';

export interface LaunchInWorkspaceProps {
  /** Show this patient (now in context in main) and ask for the access decision. */
  readonly onOpened: (patient: Patient) => void;
}

const who = (person: { name: PersonName; nhsNumber: string }) =>
  `${formatName(person.name)} (NHS No. ${formatNhsNumber(person.nhsNumber)})`;

export function LaunchInWorkspace({ onOpened }: LaunchInWorkspaceProps) {
  const [notice, refresh] = useLaunchNotice();

  useEffect(() => {
    if (notice?.kind !== 'opened') return;
    void (async () => {
      const current = await invoke('patients.current', {});
      await invoke('launch.dismiss', {});
      // Only the patient main holds in context is shown, and only if it is the one asked for.
      if (current.ok && current.value && current.value.nhsNumber === notice.nhsNumber)
        onOpened(current.value);
    })();
  }, [notice, onOpened]);

  if (notice?.kind === 'confirm') {
    const answer = async (open: boolean) => {
      const result = await invoke('launch.answer', { open });
      if (result.ok && result.value) onOpened(result.value);
      refresh();
    };
    return (
      <Modal title="Change patient?" onClose={() => void answer(false)}>
        <p className="nhsuk-body">{claimedBy(notice.source)} asked to open another patient.</p>
        <p className="nhsuk-body">
          You are viewing {who(notice.current)}. Open {who(notice.next)} instead?
        </p>
        <div className="nhsuk-button-group app-button-group">
          <button type="button" className="nhsuk-button" onClick={() => void answer(true)}>
            Open {formatName(notice.next.name)}
          </button>
          <button
            type="button"
            className="nhsuk-button nhsuk-button--secondary"
            onClick={() => void answer(false)}
          >
            Stay with {formatName(notice.current.name)}
          </button>
        </div>
      </Modal>
    );
  }

  if (notice?.kind === 'refused') {
    return (
      <div
        className="nhsuk-error-summary app-launch-notice"
        role="alert"
        aria-labelledby="launch-refused-title"
      >
        <h2 className="nhsuk-error-summary__title" id="launch-refused-title">
          {notice.nhsNumber
            ? `${claimedBy(notice.source)} asked to open NHS No. ${formatNhsNumber(notice.nhsNumber)}: it was not opened`
            : `${claimedBy(notice.source)} asked to open a patient: it was not opened`}
        </h2>
        <div className="nhsuk-error-summary__body">
          <p>{notice.message}</p>
          <button
            type="button"
            className="nhsuk-button nhsuk-button--secondary app-button--small"
            onClick={() => void invoke('launch.dismiss', {}).then(refresh)}
          >
            Dismiss
          </button>
        </div>
      </div>
    );
  }
  return null;
}
