// The services every handler may use, built once per process by the composition root.
import type { AppConfig } from '../config/schema';
import type { Logger } from '../log/logger';
import type { EventBus } from '../api/event-bus';
import type { SessionService } from '../auth/session-service';
import type { AuditSink } from '../audit/sink';
import type { SpineClient } from '../spine/client';
import type { ClinicalService } from '../clinical/service';
import type { ExportLocation } from '../audit/export-location';
import type { LaunchService } from '../launch/service';
import type { EstateAccess } from '../estate/access';

export interface AppIdentity {
  readonly name: string;
  readonly version: string;
  readonly host: 'electron' | 'test-host';
  readonly workstation: string;
}

export interface Services {
  readonly identity: AppIdentity;
  readonly config: AppConfig;
  readonly log: Logger;
  readonly events: EventBus;
  readonly session: SessionService;
  readonly audit: AuditSink;
  readonly spine: SpineClient;
  readonly clinical: ClinicalService;
  /** In-context launch requests from other systems, whichever route they came by (issue 14). */
  readonly launch: LaunchService;
  /** The estate audit store, when the administrator configured one (issue 16). */
  readonly estate: EstateAccess | null;
  /** Where audit exports are saved when the host lets the user choose (Electron). */
  readonly exportLocation?: ExportLocation;
}
