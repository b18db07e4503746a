// The clinical journeys behind the patient, SCR, consent and upload handlers: the patient in
// context, access decisions, and the Spine calls they need. Wiped when the session ends.
import type { AppConfig } from '../config/schema';
import type { Logger } from '../log/logger';
import type { EventBus } from '../api/event-bus';
import type { AuditSink } from '../audit/sink';
import type { SessionService } from '../auth/session-service';
import type { SpineClient } from '../spine/client';

export interface ClinicalService {
  close(): Promise<void>;
}

export interface ClinicalOptions {
  readonly config: AppConfig;
  readonly log: Logger;
  readonly events: EventBus;
  readonly audit: AuditSink;
  readonly session: SessionService;
  readonly spine: SpineClient;
}

export function createClinicalService(_options: ClinicalOptions): ClinicalService {
  return { close: async () => undefined };
}
