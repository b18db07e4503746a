// The session as the rest of main sees it. main/auth owns the state machine behind it
// (session-machine.ts): card → passcode → identity → role → (locked ↔ unlocked) → ended.
import type { AuthState, SignedOutReason } from '../../preload/contract';
import type { RbacSubject } from './rbac';
import type { AuditActor } from '../audit/sink';

/** Why a session ended; listeners wipe what the previous user saw (product.md section 9). */
export type SessionEndReason = SignedOutReason;

export interface SessionEnded {
  readonly reason: SessionEndReason;
  /** The user whose session ended. */
  readonly userUuid: string;
}

export interface SessionService {
  state(): AuthState;
  /** The selected role's RBAC subject, or null when no role is selected or the session is locked. */
  rbacSubject(): RbacSubject | null;
  /** Who is acting, for the audit trail; null before sign-in. */
  actor(): AuditActor | null;
  /**
   * Called (and awaited) when a signed-in session ends, before the next user sees anything:
   * the clinical service wipes its patient context here. Returns an unsubscribe function.
   */
  onEnded(listener: (ended: SessionEnded) => void | Promise<void>): () => void;
  /** Logs in to the card in the reader; the passcode buffer is zeroed whatever the outcome. */
  login(pin: Buffer): Promise<AuthState>;
  selectRole(roleProfileId: string): Promise<AuthState>;
  lock(): Promise<AuthState>;
  unlock(pin: Buffer): Promise<AuthState>;
  logout(): Promise<AuthState>;
  /** Answer to the idle warning: restart the idle timer (audited). */
  staySignedIn(): Promise<AuthState>;
  /** User activity seen by the screen: restart the idle timer (not audited). */
  touch(): void;
  close(): Promise<void>;
}

/** A session nobody can sign in to: for hosts and tests without a card reader. */
export function signedOutSession(): SessionService {
  const state: AuthState = { stage: 'no-card', user: null, roles: [], selectedRole: null, features: [] };
  const notAvailable = async (): Promise<AuthState> => state;
  return {
    state: () => state,
    rbacSubject: () => null,
    actor: () => null,
    onEnded: () => () => undefined,
    login: async (pin) => {
      pin.fill(0);
      return state;
    },
    selectRole: notAvailable,
    lock: notAvailable,
    unlock: async (pin) => {
      pin.fill(0);
      return state;
    },
    logout: notAvailable,
    staySignedIn: notAvailable,
    touch: () => undefined,
    close: async () => undefined,
  };
}
