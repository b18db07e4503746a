// The single source of truth for the bridge between renderer and main (architecture.md
// section 2). Each domain declares its operations in ops/<domain>.ts; they are joined here.
import type { z } from 'zod';
import type { Envelope } from './errors';
import type { EventName, EventPayload } from './events';
import { appOperations } from './ops/app';
import { authOperations } from './ops/auth';
import { patientOperations } from './ops/patients';
import { scrOperations } from './ops/scr';
import { consentOperations } from './ops/consent';
import { gpSummaryOperations } from './ops/gp-summary';
import { auditOperations, auditReviewOperations } from './ops/audit';
import { trainingOperations } from './ops/training';
import { launchOperations } from './ops/launch';
import { estateOperations } from './ops/estate';

export * from './errors';
export * from './events';
export * from './operation';
export * from './channels';
export * from './safe-markup';
export * from './nhs-number';
export * from './audit-events';
export * from './ops/app';
export * from './ops/auth';
export * from './ops/patients';
export * from './ops/scr';
export * from './ops/consent';
export * from './ops/gp-summary';
export * from './ops/audit';
export * from './ops/training';
export * from './ops/launch';
export * from './ops/estate';

export const operations = {
  ...appOperations,
  ...authOperations,
  ...patientOperations,
  ...scrOperations,
  ...consentOperations,
  ...gpSummaryOperations,
  ...auditOperations,
  ...auditReviewOperations,
  ...trainingOperations,
  ...launchOperations,
  ...estateOperations,
} as const;

export type Operations = typeof operations;
export type OperationName = keyof Operations;
export type OperationInput<N extends OperationName> = z.input<Operations[N]['input']>;
export type OperationResult<N extends OperationName> = z.infer<Operations[N]['output']>;
export const operationNames = Object.keys(operations) as OperationName[];

export function isOperationName(name: unknown): name is OperationName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(operations, name);
}

/** What `window.smsp` is, in Electron (preload) and in the browser twin alike. */
export interface SmspBridge {
  invoke<N extends OperationName>(
    operation: N,
    input: OperationInput<N>,
  ): Promise<Envelope<OperationResult<N>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}
