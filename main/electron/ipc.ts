// The IPC side of the contract. A call is accepted only from our own top-level app:// frame; any
// other sender (a subframe, another origin, a destroyed frame) is refused and audited. Arguments
// are parsed by the dispatcher with the contract schemas.
import { ipcChannels } from '../../preload/contract';
import type { Dispatch } from '../api/dispatcher';
import type { AuditSink } from '../audit/sink';
import type { IpcMainInvokeEventLike, IpcMainLike } from './electron-api';
import { isAppUrl } from './hardening';

export function isTrustedSender(event: IpcMainInvokeEventLike): boolean {
  const frame = event.senderFrame;
  if (!frame) return false;
  if (frame !== event.sender.mainFrame) return false;
  return isAppUrl(frame.url);
}

export function registerIpc(ipcMain: IpcMainLike, dispatch: Dispatch, audit: AuditSink): void {
  ipcMain.handle(ipcChannels.invoke, async (event, operation, input) => {
    if (!isTrustedSender(event)) {
      await audit
        .record({
          type: 'bridge.refused',
          outcome: 'refused',
          detail: {
            channel: 'electron-ipc',
            frame: event.senderFrame?.url.slice(0, 200) ?? 'none',
            operation: String(operation).slice(0, 64),
          },
        })
        .catch(() => undefined);
      return { ok: false, error: { code: 'NOT_AUTHORISED', message: 'This call was refused.' } };
    }
    return dispatch(operation, input, { channel: 'electron-ipc', origin: event.senderFrame?.url ?? '' });
  });
}
