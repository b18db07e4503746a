// The Electron preload's logic: expose `window.smsp` over IPC. The entry that hands it Electron's
// contextBridge and ipcRenderer is main/electron/preload-entry.ts, because only main/electron may
// import electron (architecture.md section 2); both are bundled into one file.
import { ipcChannels } from './contract/channels';
import { createBridge } from './bridge';

export interface PreloadElectron {
  readonly contextBridge: { exposeInMainWorld(key: string, api: unknown): void };
  readonly ipcRenderer: {
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
    on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  };
}

export function exposeSmsp({ contextBridge, ipcRenderer }: PreloadElectron): void {
  const bridge = createBridge({
    invoke: (operation, input) => ipcRenderer.invoke(ipcChannels.invoke, operation, input),
    subscribe: (listener) => {
      ipcRenderer.on(ipcChannels.event, (_event, name, payload) => listener(String(name), payload));
    },
  });
  contextBridge.exposeInMainWorld('smsp', bridge);
}
