// A handler per contract operation. The dispatcher parses the input with the contract schema
// and checks RBAC before a handler runs; a handler only does the work.
import type { z } from 'zod';
import type { OperationName, OperationResult, Operations } from '../../preload/contract';
import type { Feature } from '../auth/rbac';
import type { Services } from '../app/services';

export interface Caller {
  /** Which host carried the call. */
  readonly channel: 'electron-ipc' | 'test-host';
  /** Origin or frame URL of the caller, for the audit trail of refusals. */
  readonly origin: string;
}

export interface CallContext {
  readonly caller: Caller;
  readonly services: Services;
}

export interface Handler<N extends OperationName> {
  readonly operation: N;
  /** The RBAC feature required; `null` for operations open before sign-in (app.info, auth.*). */
  readonly feature: Feature | null;
  handle(
    input: z.output<Operations[N]['input']>,
    context: CallContext,
  ): Promise<OperationResult<N>> | OperationResult<N>;
}

export type HandlerTable = { readonly [N in OperationName]: Handler<N> };

export function defineHandler<N extends OperationName>(handler: Handler<N>): Handler<N> {
  return handler;
}
