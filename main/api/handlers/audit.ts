// audit.*: searching and exporting the audit trail (issue 6).
import type { HandlerTable } from '../handler';

export const auditHandlers = {} satisfies Partial<HandlerTable>;
