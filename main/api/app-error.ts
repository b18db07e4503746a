// The one error type services throw when something should reach the user. Its message must be
// a sentence a pharmacist can act on; it becomes the contract envelope's error.
import type { ContractError, ErrorCode } from '../../preload/contract';

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly detail?: ContractError['detail'],
  ) {
    super(message);
  }

  toContract(): ContractError {
    return this.detail
      ? { code: this.code, message: this.message, detail: this.detail }
      : { code: this.code, message: this.message };
  }
}
