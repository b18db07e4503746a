// Builds a runtime from configuration for either host. This is where each capability's service
// is constructed, in dependency order, and handed to the composition root (runtime.ts).
import type { AppConfig } from '../config/schema';
import type { Logger } from '../log/logger';
import { EventBus } from '../api/event-bus';
import { attachActor, openAuditTrail } from '../audit/trail';
import { createSpineClient } from '../spine/client';
import { createSession } from '../auth/session';
import { createClinicalService } from '../clinical/service';
import { startCardService } from '../../native/pkcs11/start';
import type { CardService } from '../../native/pkcs11/card-service';
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
  });
  const cards = await startCards(config, platform, log);
  const session = await createSession({
    config,
    dataDir,
    log,
    events,
    audit,
    spine,
    platform,
    ...(cards ? { cards } : {}),
  });
  // Every entry from here on names the signed-in user and role (MSCA-AUD-03/04).
  attachActor(audit, () => session.actor());
  const clinical = createClinicalService({ config, log, events, audit, session, spine });
  return createRuntime({
    config,
    host: platform.host,
    log,
    events,
    audit,
    session,
    spine,
    clinical,
    closers: [clinical.close, session.close, ...(cards ? [cards.close] : []), spine.close, audit.close],
  });
}

/**
 * The smartcard layer from config.smartcard: PKCS#11 in its own supervised processes, loading only
 * an allow-listed module. With no module configured nobody can sign in, and the log says why.
 */
async function startCards(config: AppConfig, platform: Platform, log: Logger): Promise<CardService | null> {
  const { modules, module, env, pollMs } = config.smartcard;
  const chosen = module ?? modules[0];
  if (!chosen) {
    log.warn('no PKCS#11 module is configured (smartcard.modules): sign-in is unavailable');
    return null;
  }
  return startCardService({
    modules,
    module: chosen,
    env,
    pollMs,
    ...(platform.pkcs11 ? { launcher: platform.pkcs11 } : {}),
  });
}
