// patients.*: finding a patient in PDS (clinical journeys, issue 7). RBAC B0264 is checked by
// the dispatcher; postcode (B0098) and restricted-record (B1611) rules are applied in the
// clinical service, in main, so a refused value never reaches the renderer.
import type { HandlerTable } from '../handler';
import { defineHandler } from '../handler';

export const patientHandlers = {
  'patients.search': defineHandler({
    operation: 'patients.search',
    feature: 'patients.search',
    handle: (input, { services }) => services.clinical.search(input),
  }),
  'patients.open': defineHandler({
    operation: 'patients.open',
    feature: 'patients.search',
    handle: (input, { services }) => services.clinical.open(input.nhsNumber),
  }),
  'patients.current': defineHandler({
    operation: 'patients.current',
    feature: 'patients.search',
    handle: (_input, { services }) => services.clinical.current(),
  }),
  'patients.close': defineHandler({
    operation: 'patients.close',
    feature: 'patients.search',
    handle: async (_input, { services }) => ({ closed: await services.clinical.closePatient() }),
  }),
} satisfies Partial<HandlerTable>;
