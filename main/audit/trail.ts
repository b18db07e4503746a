// Opens the workstation's audit trail for the runtime. main/audit owns what stands behind it.
import type { AppConfig } from '../config/schema';
import type { Logger } from '../log/logger';
import type { EventBus } from '../api/event-bus';
import type { Platform } from '../app/platform';
import type { AuditSink } from './sink';

export interface AuditTrail extends AuditSink {
  close(): Promise<void>;
}

export interface AuditTrailOptions {
  readonly config: AppConfig;
  readonly dataDir: string;
  readonly log: Logger;
  readonly events: EventBus;
  readonly platform: Platform;
}

export async function openAuditTrail(options: AuditTrailOptions): Promise<AuditTrail> {
  // Until the encrypted audit store lands (issue 6) entries go to the redacting log only.
  let sequence = 0;
  return {
    record: async (event) => {
      options.log.info('audit', { type: event.type, outcome: event.outcome });
      sequence += 1;
      return { sequence };
    },
    close: async () => undefined,
  };
}
