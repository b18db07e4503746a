// consent.*: the patient's SCR consent state in ACS (issue 7).
import type { HandlerTable } from '../handler';

export const consentHandlers = {} satisfies Partial<HandlerTable>;
