// patients.*: finding a patient in PDS (clinical journeys, issue 7).
import type { HandlerTable } from '../handler';

export const patientHandlers = {} satisfies Partial<HandlerTable>;
