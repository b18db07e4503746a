// The composition root: builds the services from configuration and hands one dispatcher and one
// event bus to whichever host runs them (the Electron shell or the loopback test host).
import { hostname } from 'node:os';
import type { AppConfig } from '../config/schema';
import { createLogger, type Logger } from '../log/logger';
import { EventBus } from '../api/event-bus';
import { createDispatcher, type Dispatch } from '../api/dispatcher';
import { handlers } from '../api/handlers';
import type { AuditSink } from '../audit/sink';
import type { SessionService } from '../auth/session-service';
import type { SpineClient } from '../spine/client';
import type { ClinicalService } from '../clinical/service';
import type { ExportLocation } from '../audit/export-location';
import { createLaunchService } from '../launch/service';
import type { EstateAccess } from '../estate/access';
import type { AppIdentity, Services } from './services';
import { appVersion } from './version';

export interface RuntimeOptions {
  readonly config: AppConfig;
  readonly host: AppIdentity['host'];
  readonly log?: Logger;
  readonly audit: AuditSink;
  readonly session: SessionService;
  readonly spine: SpineClient;
  readonly clinical: ClinicalService;
  /** The estate audit store, when configured (issue 16). */
  readonly estate?: EstateAccess | null;
  /** Electron's save dialog and "open folder" for audit exports (absent in the test host). */
  readonly exportLocation?: ExportLocation;
  /** One event bus for the process; capabilities built before the runtime already hold it. */
  readonly events?: EventBus;
  /** Shutdown steps, run in order (the reverse of construction). */
  readonly closers?: readonly (() => Promise<void>)[];
}

export interface Runtime {
  readonly services: Services;
  readonly dispatch: Dispatch;
  close(): Promise<void>;
}

export function createRuntime(options: RuntimeOptions): Runtime {
  const log = options.log ?? createLogger();
  const events = options.events ?? new EventBus();
  const launch = createLaunchService({
    session: options.session,
    clinical: options.clinical,
    audit: options.audit,
    events,
    log,
    perMinute: options.config.policies.launchRequestsPerMinute,
  });
  const services: Services = {
    identity: {
      name: 'SCR Desktop',
      version: appVersion,
      host: options.host,
      workstation: options.config.workstation ?? hostname(),
    },
    config: options.config,
    log,
    events,
    session: options.session,
    audit: options.audit,
    spine: options.spine,
    clinical: options.clinical,
    launch,
    estate: options.estate ?? null,
    ...(options.exportLocation ? { exportLocation: options.exportLocation } : {}),
  };
  return {
    services,
    dispatch: createDispatcher(handlers, services),
    close: async () => {
      launch.close();
      for (const close of options.closers ?? [services.session.close]) await close();
    },
  };
}
