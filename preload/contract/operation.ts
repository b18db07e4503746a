// How an operation is declared: a `domain.verb` name, an input schema and a result schema.
// The main process parses every input from `unknown` with `input`; tests and the browser twin
// may check results with `output`.
import type { z } from 'zod';

export interface OperationSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
  /** One line for people reading the contract. */
  readonly summary: string;
}

export function defineOperation<I extends z.ZodType, O extends z.ZodType>(
  spec: OperationSpec<I, O>,
): OperationSpec<I, O> {
  return spec;
}
