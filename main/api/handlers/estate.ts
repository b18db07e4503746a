// estate.*: the privacy officer's Estate view (issue 16). The dispatcher has checked `estate.view`
// (R0001 with B0011). Every search is audited in the reviewer's own trail before any entry is
// shown, and recorded in the estate store; a review is written to both; nobody reviews their own.
import type { EstateEntryView } from '../../../preload/contract';
import type { Services } from '../../app/services';
import type { EstateEntry, EstateStore } from '../../estate/model';
import { AppError } from '../app-error';
import type { HandlerTable } from '../handler';
import { defineHandler } from '../handler';

async function storeOf(services: Services): Promise<EstateStore> {
  if (!services.estate) {
    throw new AppError('AUDIT_UNAVAILABLE', 'No estate audit store is configured on this workstation.');
  }
  try {
    return await services.estate.store();
  } catch (error) {
    services.log.warn('estate store could not be opened', { error });
    throw new AppError('AUDIT_UNAVAILABLE', 'The estate audit store cannot be reached. Try again later.');
  }
}

function viewOf({ source, entry }: EstateEntry): EstateEntryView {
  const { prevHash: _prev, ...rest } = entry;
  void _prev;
  return { workstation: source.workstation, keyFingerprint: source.keyFingerprint, entry: rest };
}

const searcherOf = (services: Services) => {
  const actor = services.session.actor();
  return actor ? `${actor.userUuid} ${actor.displayName}` : 'unknown';
};

export const estateSearch = defineHandler({
  operation: 'estate.search',
  feature: 'estate.view',
  handle: async (query, { services }) => {
    const store = await storeOf(services);
    const filter = {
      nhsNumber: query.nhsNumber,
      user: query.user,
      workstation: query.workstation,
      ods: query.ods,
      event: query.eventType,
      from: query.from,
      to: query.to,
      limit: query.pageSize,
      offset: (query.page - 1) * query.pageSize,
    };
    // Write before disclose: the search is in the reviewer's own trail before any entry is shown.
    await services.audit.record({
      type: 'estate.search',
      outcome: 'info',
      ...(query.nhsNumber ? { nhsNumber: query.nhsNumber } : {}),
      detail: {
        store: store.kind,
        user: query.user ?? null,
        workstation: query.workstation ?? null,
        ods: query.ods ?? null,
        eventType: query.eventType ?? null,
        from: query.from ?? null,
        to: query.to ?? null,
        page: query.page,
      },
    });
    const page = await store.query(filter);
    await store.recordSearch({ searcher: searcherOf(services), via: 'app', filter, results: page.total });
    return {
      entries: page.entries.map(viewOf),
      total: page.total,
      page: query.page,
      pageSize: query.pageSize,
    };
  },
});

export const estateReviewQueue = defineHandler({
  operation: 'estate.reviewQueue',
  feature: 'estate.view',
  handle: async (input, { services }) => {
    const store = await storeOf(services);
    await services.audit.record({
      type: 'estate.reviewQueue',
      outcome: 'info',
      detail: { store: store.kind, reason: input.reason ?? null },
    });
    const queue = await store.reviewQueue({ reason: input.reason, limit: 200 });
    const me = services.session.actor()?.userUuid ?? null;
    return {
      items: queue.items.map((item) => ({
        ...viewOf(item),
        reasons: [...item.reviewReasons],
        ownAccess: me !== null && item.entry.userUuid === me,
      })),
      total: queue.total,
    };
  },
});

export const estateReview = defineHandler({
  operation: 'estate.review',
  feature: 'estate.view',
  handle: async (input, { services }) => {
    const store = await storeOf(services);
    const actor = services.session.actor();
    if (!actor) throw new AppError('NOT_AUTHORISED', 'Sign in again to review.');
    const [item] = (
      await store.query({
        workstation: input.workstation,
        keyFingerprint: input.keyFingerprint,
        sequence: input.sequence,
        limit: 1,
      })
    ).entries;
    if (!item || item.reviewReasons.length === 0) {
      throw new AppError('INVALID_INPUT', 'This access is not waiting for review. Refresh the list.');
    }
    const detail = {
      workstation: input.workstation,
      keyFingerprint: input.keyFingerprint,
      reviewedSequence: input.sequence,
      accessedBy: item.entry.displayName ?? item.entry.userUuid,
      outcome: input.outcome,
      note: input.note,
    };
    // Why: a review by the person who accessed the record is no review (separation of duties).
    if (item.entry.userUuid === actor.userUuid) {
      await services.audit.record({
        type: 'estate.reviewed',
        outcome: 'refused',
        ...(item.entry.nhsNumber ? { nhsNumber: item.entry.nhsNumber } : {}),
        detail: { ...detail, reason: 'own-access' },
      });
      throw new AppError(
        'NOT_AUTHORISED',
        'You cannot review your own access. Another privacy officer must review it.',
      );
    }
    try {
      await store.review({
        source: item.source,
        sequence: input.sequence,
        reviewerUuid: actor.userUuid,
        reviewerName: actor.displayName,
        outcome: input.outcome,
        note: input.note,
        at: new Date().toISOString(),
      });
    } catch (error) {
      services.log.warn('estate review not recorded', { error });
      throw new AppError('INVALID_INPUT', 'This access has already been reviewed. Refresh the list.');
    }
    await services.audit.record({
      type: 'estate.reviewed',
      outcome: 'success',
      ...(item.entry.nhsNumber ? { nhsNumber: item.entry.nhsNumber } : {}),
      detail,
    });
    return { recorded: true as const };
  },
});

export const estateHealth = defineHandler({
  operation: 'estate.health',
  feature: 'estate.view',
  handle: async (_input, { services }) => {
    const health = await (await storeOf(services)).health();
    return {
      sources: health.sources.map((s) => ({ ...s, gaps: [...s.gaps] })),
      refused: health.refused.map(({ at, bundle, workstation, reason }) => ({
        at,
        bundle,
        workstation,
        reason,
      })),
    };
  },
});

export const estateHandlers = {
  'estate.search': estateSearch,
  'estate.reviewQueue': estateReviewQueue,
  'estate.review': estateReview,
  'estate.health': estateHealth,
} satisfies Partial<HandlerTable>;
