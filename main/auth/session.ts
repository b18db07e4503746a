// Builds the clinical session for the runtime from configuration: the card service (PKCS#11 in
// its own process, native/pkcs11), the identity provider (CIS or CIS2, config.identity) and the
// state machine that joins them (session-machine.ts).
import type { AppConfig } from '../config/schema';
import type { Logger } from '../log/logger';
import type { EventBus } from '../api/event-bus';
import type { AuditSink } from '../audit/sink';
import type { Platform } from '../app/platform';
import type { SpineClient } from '../spine/client';
import type { CardService } from '../../native/pkcs11/card-service';
import type { IdentityProvider } from './identity-provider';
import { signedOutSession, type SessionService } from './session-service';

export interface SessionOptions {
  readonly config: AppConfig;
  readonly dataDir: string;
  readonly log: Logger;
  readonly events: EventBus;
  readonly audit: AuditSink;
  readonly spine: SpineClient;
  readonly platform: Platform;
  /** The smartcard layer; without one nobody can sign in (the session stays at no-card). */
  readonly cards?: CardService;
  /** Overrides the provider built from config.identity (tests). */
  readonly identity?: IdentityProvider;
  /** Workstation name for the remembered role choice; defaults to config.workstation or the host name. */
  readonly workstation?: string;
}

/** Starts PKCS#11 (in its own supervised processes) from config.smartcard, if a module is allowed. */
async function startCards(options: SessionOptions): Promise<CardService | null> {
  const { smartcard } = options.config;
  const module = smartcard.module ?? smartcard.modules[0];
  if (!module) return null;
  const { startCardService } = await import('../../native/pkcs11/start');
  return startCardService({
    modules: smartcard.modules,
    module,
    env: smartcard.env,
    pollMs: smartcard.pollMs,
    ...(options.platform.pkcs11 ? { launcher: options.platform.pkcs11 } : {}),
  });
}

export async function createSession(options: SessionOptions): Promise<SessionService> {
  let cards = options.cards ?? null;
  if (!cards) {
    try {
      cards = await startCards(options);
    } catch (error) {
      // Why not stop start-up: the misuse warning and the reason still need a screen; sign-in
      // simply cannot happen until the smartcard software works.
      options.log.error('the smartcard service could not start: sign-in is unavailable', { error });
      return signedOutSession();
    }
  }
  if (!cards) {
    options.log.warn('no smartcard module is configured (smartcard.modules): sign-in is unavailable');
    return signedOutSession();
  }
  const { createSessionMachine } = await import('./session-machine');
  return createSessionMachine(options, cards);
}
