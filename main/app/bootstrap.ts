// Builds a runtime from configuration for either host. This is where each capability's service
// is constructed and handed to the composition root (runtime.ts); hosts call only this.
import type { AppConfig } from '../config/schema';
import type { Logger } from '../log/logger';
import type { AuditSink } from '../audit/sink';
import type { SessionService } from '../auth/session-service';
import type { AuthState } from '../../preload/contract';
import { createRuntime, type Runtime } from './runtime';
import type { AppIdentity } from './services';

export interface BootstrapOptions {
  readonly config: AppConfig;
  readonly host: AppIdentity['host'];
  /** Folder for this workstation's state: audit database, keys, outbox. */
  readonly dataDir: string;
  readonly log: Logger;
}

const signedOut: AuthState = { stage: 'no-card', user: null, roles: [], selectedRole: null, features: [] };

export async function bootstrapRuntime(options: BootstrapOptions): Promise<Runtime> {
  // Until the smartcard session lands (issue 5) no one can sign in: the session stays at no-card.
  const session: SessionService = {
    state: () => signedOut,
    rbacSubject: () => null,
    actor: () => null,
    close: async () => undefined,
  };
  // Until the encrypted audit store lands (issue 6) entries go to the redacting log only.
  let sequence = 0;
  const audit: AuditSink = {
    record: async (event) => {
      options.log.info('audit', { type: event.type, outcome: event.outcome });
      sequence += 1;
      return { sequence };
    },
  };
  return createRuntime({ config: options.config, host: options.host, log: options.log, audit, session });
}
