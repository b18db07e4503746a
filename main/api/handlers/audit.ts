// audit.*: searching and exporting the audit trail (issue 6), and its integrity (issue 12). The
// dispatcher has already checked the feature: `audit.view` (B0011 or R0001, MSCA-IG-01) to read,
// `audit.acknowledgeBreak` (R0001 with B0011) to accept a chain break and reopen clinical use.
import type { AuditIntegrityPort, AuditReader } from '../../audit/sink';
import { entryNames } from '../../audit/review';
import { placeBundle } from '../../audit/export-location';
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

export const auditSearch = defineHandler({
  operation: 'audit.search',
  feature: 'audit.view',
  handle: async (query, { services }) => {
    const reader = readerOf(services);
    // Reading the trail is itself audited, before any entry is shown (write before disclose).
    // Criteria are kept as given: they are identifiers, not free text.
    await services.audit.record({
      type: 'audit.search',
      outcome: 'info',
      ...(query.nhsNumber ? { nhsNumber: query.nhsNumber } : {}),
      detail: {
        user: query.user ?? null,
        messageId: query.messageId ?? null,
        eventType: query.eventType ?? null,
        from: query.from ?? null,
        to: query.to ?? null,
        page: query.page,
      },
    });
    const page = await reader.search(query);
    // The names each entry recorded when it was written (issue 13); never looked up now.
    return { ...page, entries: page.entries.map(entryNames) };
  },
});

/** Folders exported by this process: the only ones "open folder" will show. */
const exportedFolders = new Set<string>();

export const auditExport = defineHandler({
  operation: 'audit.export',
  feature: 'audit.view',
  // The export records its own entry (audit.export) before it writes anything.
  handle: async (request, { services }) => {
    const location = services.exportLocation;
    // Electron: the user chooses where first; cancelling writes nothing (issue 13).
    const target = location
      ? await location.choose(`audit-export-${new Date().toISOString().slice(0, 10)}`)
      : null;
    if (location && !target) throw new AppError('CANCELLED', 'The export was cancelled. Nothing was saved.');
    const written = await readerOf(services).exportBundle(request, services.session.actor());
    const result = target
      ? await placeBundle(written, target, services.config.audit.trustedSigners)
      : written;
    exportedFolders.add(result.folder);
    return result;
  },
});

export const auditShowExport = defineHandler({
  operation: 'audit.showExport',
  feature: 'audit.view',
  handle: async ({ folder }, { services }) => {
    // Why: the renderer names a path; only a folder this process exported may be opened.
    if (!services.exportLocation || !exportedFolders.has(folder)) {
      throw new AppError('INVALID_INPUT', 'That folder cannot be opened from here.');
    }
    services.exportLocation.show(folder);
    return { shown: true as const };
  },
});

function integrityOf(services: Services): AuditIntegrityPort {
  const integrity = services.audit.integrity;
  if (!integrity) {
    throw new AppError('AUDIT_UNAVAILABLE', 'The audit trail cannot be checked on this workstation.');
  }
  return integrity;
}

export const auditIntegrity = defineHandler({
  operation: 'audit.integrity',
  feature: 'audit.view',
  handle: async (_input, { services }) => integrityOf(services).status(),
});

// Why no feature: every signed-in user's clinical requests are refused while closed, and the
// refusal says so anyway; the workspace notice needs the same one bit before the first refusal.
export const auditClinicalClosed = defineHandler({
  operation: 'audit.clinicalClosed',
  feature: null,
  handle: async (_input, { services }) => ({
    closed: services.audit.integrity?.status().clinicalClosed ?? false,
  }),
});

export const auditAcknowledgeBreak = defineHandler({
  operation: 'audit.acknowledgeBreak',
  feature: 'audit.acknowledgeBreak',
  handle: async ({ breakId, note }, { services }) => {
    const integrity = integrityOf(services);
    const actor = services.session.actor();
    if (!actor) throw new AppError('NOT_AUTHENTICATED', 'Sign in with your smartcard first.');
    if (!integrity.status().breaks.some((b) => b.id === breakId)) {
      throw new AppError('INVALID_INPUT', 'There is no such audit chain break on this workstation.');
    }
    // The acknowledgement is audited (with this actor) and witnessed before clinical use reopens.
    return integrity.acknowledge(breakId, note, actor);
  },
});

export const auditHandlers = {
  'audit.search': auditSearch,
  'audit.export': auditExport,
  'audit.showExport': auditShowExport,
  'audit.integrity': auditIntegrity,
  'audit.clinicalClosed': auditClinicalClosed,
  'audit.acknowledgeBreak': auditAcknowledgeBreak,
} satisfies Partial<HandlerTable>;
