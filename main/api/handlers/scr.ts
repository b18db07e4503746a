// scr.*: the access decision and reading the Summary Care Record (issue 7). The dispatcher checks
// scr.view (B0370 or B0401); emergency (B0168) and legal (B0082) access are checked by the
// clinical service, which also audits the decision before any record is fetched.
import type { HandlerTable } from '../handler';
import { defineHandler } from '../handler';

export const scrHandlers = {
  'scr.decideAccess': defineHandler({
    operation: 'scr.decideAccess',
    feature: 'scr.view',
    handle: (input, { services }) => services.clinical.decideAccess(input),
  }),
  'scr.get': defineHandler({
    operation: 'scr.get',
    feature: 'scr.view',
    handle: (input, { services }) => services.clinical.getScr(input.nhsNumber),
  }),
  'scr.print': defineHandler({
    operation: 'scr.print',
    feature: 'scr.view',
    handle: (input, { services }) =>
      services.clinical.recordPrint(input.nhsNumber, {
        purpose: input.purpose ?? 'print',
        sections: input.sections ?? [],
        pages: input.pages ?? null,
      }),
  }),
} satisfies Partial<HandlerTable>;
