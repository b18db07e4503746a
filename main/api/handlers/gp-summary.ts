// gpSummary.*: composing, uploading and following GP Summaries (issue 7). Every operation needs
// gpSummary.upload (B0380, B8028 or B8029); uploads go through the persisted outbox.
import type { HandlerTable } from '../handler';
import { defineHandler } from '../handler';

export const gpSummaryHandlers = {
  'gpSummary.validate': defineHandler({
    operation: 'gpSummary.validate',
    feature: 'gpSummary.upload',
    handle: (input, { services }) => services.clinical.validateGpSummary(input.nhsNumber, input.source),
  }),
  'gpSummary.upload': defineHandler({
    operation: 'gpSummary.upload',
    feature: 'gpSummary.upload',
    handle: (input, { services }) => services.clinical.uploadGpSummary(input.nhsNumber, input.source),
  }),
  'gpSummary.list': defineHandler({
    operation: 'gpSummary.list',
    feature: 'gpSummary.upload',
    handle: (_input, { services }) => services.clinical.uploads(),
  }),
} satisfies Partial<HandlerTable>;
