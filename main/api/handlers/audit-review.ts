// The privacy officer's side of the audit screen (issue 13): opening the screen is audited, the
// "Access to review" queue, and marking an access reviewed. The dispatcher has checked
// `audit.view` (B0011 or R0001); these handlers add the rule that nobody reviews their own access.
import type { AuditReader } from '../../audit/sink';
import { describeOpeningHours, reviewQueue } from '../../audit/review';
import type { Services } from '../../app/services';
import { AppError } from '../app-error';
import type { HandlerTable } from '../handler';
import { defineHandler } from '../handler';

function readerOf(services: Services): AuditReader {
  const reader = services.audit.reader;
  if (!reader) {
    throw new AppError('AUDIT_UNAVAILABLE', 'The audit trail cannot be searched on this workstation.');
  }
  return reader;
}

const queueFor = (services: Services) =>
  reviewQueue(
    (query) => readerOf(services).search(query),
    services.config.governance.openingHours,
    services.session.actor()?.userUuid ?? null,
  );

export const auditOpen = defineHandler({
  operation: 'audit.open',
  feature: 'audit.view',
  handle: async (_input, { services }) => {
    await services.audit.record({ type: 'audit.open', outcome: 'info' });
    return { recorded: true as const };
  },
});

export const auditReviewQueue = defineHandler({
  operation: 'audit.reviewQueue',
  feature: 'audit.view',
  handle: async (_input, { services }) => ({
    items: await queueFor(services),
    openingHours: describeOpeningHours(services.config.governance.openingHours),
  }),
});

export const auditMarkReviewed = defineHandler({
  operation: 'audit.markReviewed',
  feature: 'audit.view',
  handle: async ({ sequence, note }, { services }) => {
    const item = (await queueFor(services)).find((candidate) => candidate.entry.sequence === sequence);
    if (!item) {
      throw new AppError('INVALID_INPUT', 'This access is not waiting for review. Refresh the list.');
    }
    // Why: a review by the person who accessed the record is no review (separation of duties).
    if (item.ownAccess) {
      await services.audit.record({
        type: 'audit.reviewed',
        outcome: 'refused',
        ...(item.entry.nhsNumber ? { nhsNumber: item.entry.nhsNumber } : {}),
        detail: { reviewedSequence: sequence, reason: 'own-access' },
      });
      throw new AppError(
        'NOT_AUTHORISED',
        'You cannot review your own access. Another privacy officer must review it.',
      );
    }
    const receipt = await services.audit.record({
      type: 'audit.reviewed',
      outcome: 'success',
      ...(item.entry.nhsNumber ? { nhsNumber: item.entry.nhsNumber } : {}),
      detail: {
        reviewedSequence: sequence,
        reasons: item.reasons,
        accessedBy: item.entry.displayName ?? item.entry.userUuid,
        note,
      },
    });
    return { sequence: receipt.sequence };
  },
});

export const auditReviewHandlers = {
  'audit.open': auditOpen,
  'audit.reviewQueue': auditReviewQueue,
  'audit.markReviewed': auditMarkReviewed,
} satisfies Partial<HandlerTable>;
