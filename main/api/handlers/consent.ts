// consent.*: the patient's SCR consent state in ACS (issue 7). Reading it is part of every patient
// screen (patients.search); changing it is a GP-system function (consent.set: B0020 with
// B0380/B8028/B8029), so pharmacy roles see it read-only.
import type { HandlerTable } from '../handler';
import { defineHandler } from '../handler';

export const consentHandlers = {
  'consent.get': defineHandler({
    operation: 'consent.get',
    feature: 'patients.search',
    handle: (input, { services }) => services.clinical.getConsent(input.nhsNumber),
  }),
  'consent.set': defineHandler({
    operation: 'consent.set',
    feature: 'consent.set',
    handle: (input, { services }) => services.clinical.setConsent(input.nhsNumber, input.state),
  }),
} satisfies Partial<HandlerTable>;
