// Builds `window.smsp` from a transport. The same bridge serves the Electron preload (IPC) and
// the browser twin (the test host's loopback channel), so the renderer cannot tell them apart.
import type { EventName, SmspBridge } from './contract';
import { eventNameList } from './contract/channels';

const eventNames: readonly string[] = eventNameList;

export interface BridgeTransport {
  invoke(operation: string, input: unknown): Promise<unknown>;
  subscribe(listener: (event: string, payload: unknown) => void): void;
}

const transportFailure = {
  ok: false as const,
  error: {
    code: 'INTERNAL_ERROR' as const,
    message:
      'The application could not reach its own services. Restart it; if that does not help, contact your IT service desk.',
  },
};

export function createBridge(transport: BridgeTransport): SmspBridge {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  transport.subscribe((event, payload) => {
    if (!eventNames.includes(event)) return;
    for (const listener of listeners.get(event as EventName) ?? []) listener(payload);
  });
  const bridge: SmspBridge = {
    invoke: async (operation, input) => {
      try {
        return (await transport.invoke(operation, input)) as never;
      } catch {
        return transportFailure as never;
      }
    },
    on: (event, listener) => {
      if (!eventNames.includes(event)) throw new Error(`Unknown event ${String(event)}`);
      const set = listeners.get(event) ?? new Set();
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      listeners.set(event, set);
      return () => set.delete(wrapped);
    },
  };
  return Object.freeze(bridge);
}
