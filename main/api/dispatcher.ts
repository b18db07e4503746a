// The host-agnostic entry for every renderer call: unknown operation → refused; input parsed
// from `unknown` with the contract schema; RBAC checked against the selected role; errors become
// envelopes with a closed code and no stack trace or patient data (architecture.md section 4).
import { isOperationName, operations, type ContractError, type Envelope } from '../../preload/contract';
import { permits, type Feature } from '../auth/rbac';
import type { Services } from '../app/services';
import { AppError } from './app-error';
import type { Caller, HandlerTable } from './handler';

export type Dispatch = (operation: unknown, input: unknown, caller: Caller) => Promise<Envelope<unknown>>;

const fail = (error: ContractError): Envelope<never> => ({ ok: false, error });

/** Features that stay open while clinical functions are closed by an audit chain break. */
const governanceFeatures: ReadonlySet<Feature> = new Set<Feature>([
  'audit.view',
  'audit.acknowledgeBreak',
  'estate.view',
]);

export function createDispatcher(handlers: HandlerTable, services: Services): Dispatch {
  return async (operation, input, caller) => {
    if (!isOperationName(operation)) {
      services.log.warn('refused unknown operation', {
        operation: String(operation).slice(0, 64),
        channel: caller.channel,
      });
      return fail({
        code: 'UNKNOWN_OPERATION',
        message: 'The application asked for something it does not support.',
      });
    }
    const parsed = operations[operation].input.safeParse(input ?? {});
    if (!parsed.success) {
      const where = parsed.error.issues[0]?.path.join('.') || 'input';
      return fail({ code: 'INVALID_INPUT', message: `The request was not understood (${where}).` });
    }
    const handler = handlers[operation];
    try {
      if (handler.feature !== null) {
        const subject = services.session.rbacSubject();
        if (!subject) {
          return fail({ code: 'NOT_AUTHENTICATED', message: 'Sign in with your smartcard first.' });
        }
        if (!permits(subject, handler.feature)) {
          await services.audit.record({
            type: 'access.refused',
            outcome: 'refused',
            detail: { operation, feature: handler.feature },
          });
          return fail({
            code: 'NOT_AUTHORISED',
            message:
              'Your selected role does not allow this. Contact your Registration Authority if you need it.',
          });
        }
        // Issue 12: after an audit chain break, clinical functions stay closed until a privacy
        // officer acknowledges it; governance (reading the trail, acknowledging) stays open.
        if (!governanceFeatures.has(handler.feature) && services.audit.integrity?.status().clinicalClosed) {
          return fail({
            code: 'AUDIT_UNAVAILABLE',
            message:
              'The audit trail failed its integrity check, so clinical functions are closed until your privacy officer has reviewed it. Contact your privacy officer or IT service desk.',
          });
        }
      }
      // The handler's input type is the parsed schema output for this operation.
      const value = await (handler.handle as (input: unknown, context: unknown) => unknown)(parsed.data, {
        caller,
        services,
      });
      return { ok: true, value };
    } catch (error) {
      if (error instanceof AppError) return fail(error.toContract());
      services.log.error('operation failed', { operation, error });
      return fail({
        code: 'INTERNAL_ERROR',
        message:
          'Something went wrong in the application. Try again; if it keeps happening, contact your IT service desk.',
      });
    }
  };
}
