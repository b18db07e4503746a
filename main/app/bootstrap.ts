// Builds a runtime from configuration for either host. This is where each capability's service
// is constructed, in dependency order, and handed to the composition root (runtime.ts).
import type { AppConfig } from '../config/schema';
import type { Logger } from '../log/logger';
import { EventBus } from '../api/event-bus';
import { attachActor, attachPatientNames, openAuditTrail } from '../audit/trail';
import { createSpineClient } from '../spine/client';
import { createSession } from '../auth/session';
import { createClinicalService } from '../clinical/service';
import { createEstateAccess } from '../estate/access';
import { keyFileStore } from '../audit/key-store';
import { createRuntime, type Runtime } from './runtime';
import type { Platform } from './platform';

export interface BootstrapOptions {
  readonly config: AppConfig;
  readonly platform: Platform;
  /** Folder for this workstation's state: audit database, keys, outbox. */
  readonly dataDir: string;
  readonly log: Logger;
}

export async function bootstrapRuntime(options: BootstrapOptions): Promise<Runtime> {
  const { config, dataDir, log, platform } = options;
  const events = new EventBus();
  const audit = await openAuditTrail({ config, dataDir, log, events, platform });
  // The outbox holds patient data: its key is kept like the audit key (safeStorage in Electron).
  const outboxKey = platform.auditKeys ? await platform.auditKeys.loadOrCreate('outbox') : undefined;
  const spine = await createSpineClient({
    config,
    dataDir,
    log,
    events,
    audit,
    ...(outboxKey ? { outboxKey } : {}),
    // Each exchange's Date header checks the workstation clock (issue 12, MSCA-AUD-06).
    onExchange: (exchange) => audit.integrity.observeServerDate(exchange.headers['date']),
  });
  // The session starts the smartcard layer itself (PKCS#11 in supervised processes).
  const session = await createSession({ config, dataDir, log, events, audit, spine, platform });
  // Every entry from here on names the signed-in user and role (MSCA-AUD-03/04).
  attachActor(audit, () => session.actor());
  const clinical = createClinicalService({ config, log, events, audit, session, spine });
  attachPatientNames(audit, (nhsNumber) => clinical.patientName(nhsNumber));
  // The estate store's file key is kept like the audit key: the platform key store, else a 0600 file.
  const estate = createEstateAccess({
    config,
    key: () => (platform.auditKeys ?? keyFileStore(dataDir)).loadOrCreate('estate'),
  });
  return createRuntime({
    config,
    estate,
    host: platform.host,
    log,
    events,
    audit,
    session,
    spine,
    clinical,
    ...(platform.exportLocation ? { exportLocation: platform.exportLocation } : {}),
    closers: [
      clinical.close,
      session.close,
      spine.close,
      audit.close,
      ...(estate ? [() => estate.close()] : []),
    ],
  });
}
