// The only place in the renderer that touches window.smsp. Screens call `invoke` and `useEvent`;
// they never see the transport (Electron IPC or the test host's loopback channel).
import { useEffect, useState } from 'react';
import type {
  AuthState,
  Envelope,
  EventName,
  EventPayload,
  OperationInput,
  OperationName,
  OperationResult,
  SmspBridge,
} from '../../preload/contract';

declare global {
  interface Window {
    readonly smsp?: SmspBridge;
  }
}

const missingBridge = {
  ok: false as const,
  error: {
    code: 'INTERNAL_ERROR' as const,
    message: 'The application bridge is missing. Restart the application.',
  },
};

export function invoke<N extends OperationName>(
  operation: N,
  input: OperationInput<N>,
): Promise<Envelope<OperationResult<N>>> {
  const bridge = window.smsp;
  if (!bridge) return Promise.resolve(missingBridge);
  return bridge.invoke(operation, input);
}

export function useEvent<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): void {
  useEffect(() => window.smsp?.on(event, listener), [event, listener]);
}

/** The session as main reports it, refreshed on every `session.changed` event. */
export function useAuthState(): AuthState | null {
  const [state, setState] = useState<AuthState | null>(null);
  useEffect(() => {
    let live = true;
    void invoke('auth.state', {}).then((result) => {
      if (live && result.ok) setState(result.value);
    });
    const off = window.smsp?.on('session.changed', (next) => setState(next));
    return () => {
      live = false;
      off?.();
    };
  }, []);
  return state;
}
