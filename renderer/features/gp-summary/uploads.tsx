// "Uploads": every GP Summary upload with its live state (queued, sent, accepted, acknowledged,
// rejected with Spine's reason). The list comes from the persisted outbox, so it survives a
// restart; `upload.status` events move each row on as Spine answers.
import { useCallback, useEffect, useState } from 'react';
import type { ContractError, EventPayload, UploadItem, UploadState } from '../../../preload/contract';
import { invoke, useEvent } from '../../lib/api';
import { formatDateTime, formatNhsNumber } from '../../lib/cui';
import { Problem } from '../../components/error-summary';

const stateWords: Readonly<Record<UploadState, string>> = {
  queued: 'Queued',
  sent: 'Sent',
  accepted: 'Accepted by Spine',
  acknowledged: 'Acknowledged',
  rejected: 'Rejected',
  failed: 'Failed',
  expired: 'Expired',
};

const known = new Set<string>(Object.keys(stateWords));

export function UploadsList({ refreshKey = 0 }: { readonly refreshKey?: number }) {
  const [items, setItems] = useState<UploadItem[] | null>(null);
  const [error, setError] = useState<Pick<ContractError, 'message'> | null>(null);

  useEffect(() => {
    let live = true;
    void invoke('gpSummary.list', {}).then((result) => {
      if (!live) return;
      if (result.ok) setItems(result.value);
      else setError(result.error);
    });
    return () => {
      live = false;
    };
  }, [refreshKey]);

  const onStatus = useCallback((payload: EventPayload<'upload.status'>) => {
    if (!known.has(payload.state)) return;
    setItems((current) =>
      current
        ? current.map((item) =>
            item.id === payload.uploadId
              ? {
                  ...item,
                  state: payload.state as UploadState,
                  message: payload.message ?? item.message,
                  updatedAt: new Date().toISOString(),
                }
              : item,
          )
        : current,
    );
  }, []);
  useEvent('upload.status', onStatus);

  return (
    <section aria-labelledby="uploads-heading" className="app-uploads">
      <h2 id="uploads-heading">Uploads</h2>
      <Problem title="Uploads could not be listed" error={error} />
      {items === null ? (
        error ? null : (
          <p role="status">Loading uploads…</p>
        )
      ) : items.length === 0 ? (
        <p className="nhsuk-body">No GP Summaries have been uploaded from this workstation.</p>
      ) : (
        <table className="nhsuk-table">
          <caption className="nhsuk-u-visually-hidden">GP Summary uploads</caption>
          <thead className="nhsuk-table__head">
            <tr>
              <th scope="col">NHS No.</th>
              <th scope="col">Queued</th>
              <th scope="col">State</th>
              <th scope="col">Spine’s answer</th>
            </tr>
          </thead>
          <tbody className="nhsuk-table__body" aria-live="polite">
            {items.map((item) => (
              <tr key={item.id} data-upload-id={item.id}>
                <td className="app-nowrap">
                  {item.nhsNumber ? formatNhsNumber(item.nhsNumber) : 'Not known'}
                </td>
                <td className="app-nowrap">{formatDateTime(item.createdAt)}</td>
                <td>
                  <strong className={`app-upload-state app-upload-state--${item.state}`}>
                    {stateWords[item.state]}
                  </strong>
                </td>
                <td>{item.message ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
