// One handler per contract operation; the type makes a missing handler a compile error.
import type { HandlerTable } from '../handler';
import { appInfo } from './app';
import { authHandlers } from './auth';
import { patientHandlers } from './patients';
import { scrHandlers } from './scr';
import { consentHandlers } from './consent';
import { gpSummaryHandlers } from './gp-summary';
import { auditHandlers } from './audit';
import { auditReviewHandlers } from './audit-review';
import { trainingHandlers } from './training';
import { launchHandlers } from './launch';
import { estateHandlers } from './estate';

export const handlers: HandlerTable = {
  'app.info': appInfo,
  ...authHandlers,
  ...patientHandlers,
  ...scrHandlers,
  ...consentHandlers,
  ...gpSummaryHandlers,
  ...auditHandlers,
  ...auditReviewHandlers,
  ...trainingHandlers,
  ...launchHandlers,
  ...estateHandlers,
};
