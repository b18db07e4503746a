// Reports configuration notices (main/config/sources.ts) once at start-up: a log line each, and an
// audit entry each once the trail is open, so an ignored override is visible to the governance
// lead as well as to whoever reads the log (issue 12 finding 1).
import type { ConfigNotice } from '../config/load';
import type { Logger } from '../log/logger';
import type { AuditSink } from '../audit/sink';

export function logConfigNotices(log: Logger, notices: readonly ConfigNotice[]): void {
  for (const notice of notices) {
    if (notice.kind === 'ignored') log.warn(notice.message, { source: notice.source });
    else log.info(notice.message, { source: notice.source });
  }
}

export async function auditConfigNotices(
  audit: AuditSink,
  log: Logger,
  notices: readonly ConfigNotice[],
): Promise<void> {
  for (const notice of notices) {
    try {
      await audit.record({
        type: 'config.override',
        outcome: notice.kind === 'ignored' ? 'refused' : 'info',
        detail: { source: notice.source, applied: notice.kind === 'applied' },
      });
    } catch (error) {
      log.error('a configuration notice could not be audited', { source: notice.source, error });
    }
  }
}
