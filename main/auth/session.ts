// Builds the clinical session for the runtime. main/auth owns the state machine behind it.
import type { AppConfig } from '../config/schema';
import type { Logger } from '../log/logger';
import type { EventBus } from '../api/event-bus';
import type { AuditSink } from '../audit/sink';
import type { Platform } from '../app/platform';
import type { SpineClient } from '../spine/client';
import type { AuthState } from '../../preload/contract';
import type { SessionService } from './session-service';

export interface SessionOptions {
  readonly config: AppConfig;
  readonly dataDir: string;
  readonly log: Logger;
  readonly events: EventBus;
  readonly audit: AuditSink;
  readonly spine: SpineClient;
  readonly platform: Platform;
}

const signedOut: AuthState = { stage: 'no-card', user: null, roles: [], selectedRole: null, features: [] };

export async function createSession(_options: SessionOptions): Promise<SessionService> {
  // Until the smartcard session lands (issue 5) no one can sign in: the session stays at no-card.
  return {
    state: () => signedOut,
    rbacSubject: () => null,
    actor: () => null,
    close: async () => undefined,
  };
}
