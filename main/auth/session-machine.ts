// The clinical session state machine (architecture.md section 3 journey 1; product.md 3 and 9):
//   no card → card present → authenticating (PIN on the card, identity service) → authenticated
//   (roles listed) → role selected → (locked ↔ unlocked) → ended.
// Every transition emits `session.changed` (plus card/lock/timeout events) and writes an audit
// entry — never the PIN, never the SSO token. Everything that changes state runs through one
// queue, so card events, timers and renderer calls never interleave.
import { X509Certificate } from 'node:crypto';
import { hostname } from 'node:os';
import type { AuthState, RoleProfile, SessionStage } from '../../preload/contract';
import type { AuditActor, AuditEventInput, AuditSink } from '../audit/sink';
import type { EventBus } from '../api/event-bus';
import type { Logger } from '../log/logger';
import type { AppConfig } from '../config/schema';
import type { CardEvent, CardLogin, CardService, CardToken } from '../../native/pkcs11/card-service';
import { permittedFeatures, roleHasAccess, type RbacSubject } from './rbac';
import { IdentityError, type Identity, type IdentityProvider } from './identity-provider';
import type { SessionEnded, SessionEndReason, SessionService } from './session-service';
import { createRoleMemory, type RoleMemory } from './role-memory';
import { appError, noRolesMessage, toAppError } from './messages';

export interface MachineOptions {
  readonly policies: AppConfig['policies'];
  readonly log: Logger;
  readonly events: EventBus;
  readonly audit: AuditSink;
  readonly cards: CardService;
  readonly identity: IdentityProvider;
  readonly roles: RoleMemory;
}

export interface SessionMachineSource {
  readonly config: AppConfig;
  readonly dataDir: string;
  readonly log: Logger;
  readonly events: EventBus;
  readonly audit: AuditSink;
  readonly identity?: IdentityProvider;
  readonly workstation?: string;
}

/** Builds the machine from the runtime's options and configuration. */
export async function createSessionMachine(
  source: SessionMachineSource,
  cards: CardService,
): Promise<SessionService> {
  const identity =
    source.identity ?? (await import('./identity')).createIdentityProvider(source.config.identity);
  const workstation = source.workstation ?? source.config.workstation ?? hostname();
  return startSessionMachine({
    policies: source.config.policies,
    log: source.log,
    events: source.events,
    audit: source.audit,
    cards,
    identity,
    roles: createRoleMemory(source.dataDir, workstation),
  });
}

/** The 12-digit SDS user UUID from the card certificate's CN (product.md 3a step 3). */
export function certificateUserUuid(certificateDer: Uint8Array): string | null {
  try {
    const subject = new X509Certificate(certificateDer).subject;
    const cn = /(?:^|\n)CN=([^\n]+)/.exec(subject)?.[1]?.trim();
    return cn && /^\d{12}$/.test(cn) ? cn : null;
  } catch {
    return null;
  }
}

const sameCard = (a: CardToken | null, b: CardToken | null): boolean =>
  a !== null && b !== null && a.serial === b.serial && a.label === b.label;

export function startSessionMachine(options: MachineOptions): SessionService {
  const { policies, log, events, audit, cards, identity: provider, roles: roleMemory } = options;

  let stage: SessionStage = 'no-card';
  /** The token in the reader we follow (the first one seen). */
  let present: CardToken | null = null;
  /** The card the signed-in session belongs to. */
  let sessionCard: CardToken | null = null;
  let identity: Identity | null = null;
  let roles: RoleProfile[] = [];
  let selected: RoleProfile | null = null;
  let lastRoleProfileId: string | null = null;
  /** Why the last session ended, for the screen the user lands on; cleared by the next sign-in. */
  let lastEnded: SessionEndReason | null = null;
  let closed = false;

  let idleTimer: ReturnType<typeof setTimeout> | null = null;
  let warningTimer: ReturnType<typeof setInterval> | null = null;
  let absoluteTimer: ReturnType<typeof setTimeout> | null = null;
  const endedListeners = new Set<(ended: SessionEnded) => void | Promise<void>>();

  // One queue for every state change (renderer calls, card events, timers).
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };

  const state = (): AuthState => {
    const signedIn =
      identity !== null && (stage === 'authenticated' || stage === 'role-selected' || stage === 'locked');
    return {
      stage,
      user: signedIn && identity ? { uuid: identity.userUuid, displayName: identity.displayName } : null,
      roles: stage === 'authenticated' || stage === 'role-selected' ? roles : [],
      selectedRole: stage === 'role-selected' || stage === 'locked' ? selected : null,
      features: stage === 'role-selected' && selected ? permittedFeatures(selected) : [],
      lastRoleProfileId: stage === 'authenticated' ? lastRoleProfileId : null,
      cardPresent: present !== null,
      signedOutReason: signedIn ? null : lastEnded,
    };
  };

  const changed = () => events.emit('session.changed', state());
  const setStage = (next: SessionStage) => {
    stage = next;
    changed();
  };

  /** Audit that must succeed for the step to complete (fail closed). */
  const record = async (event: AuditEventInput) => {
    try {
      return await audit.record(event);
    } catch (error) {
      log.error('audit entry could not be written; the step does not complete', { type: event.type, error });
      throw appError(
        'AUDIT_UNAVAILABLE',
        'The audit trail cannot be written, so you cannot sign in. Contact your IT service desk.',
      );
    }
  };
  /** Audit of a step that happens anyway (locking, ending): a failure is logged, not fatal. */
  const note = async (event: AuditEventInput) => {
    try {
      await audit.record(event);
    } catch (error) {
      log.error('audit entry could not be written', { type: event.type, error });
    }
  };

  const clearIdle = () => {
    if (idleTimer) clearTimeout(idleTimer);
    if (warningTimer) clearInterval(warningTimer);
    idleTimer = null;
    warningTimer = null;
  };
  const clearTimers = () => {
    clearIdle();
    if (absoluteTimer) clearTimeout(absoluteTimer);
    absoluteTimer = null;
  };

  // Idle timeout with an accessible countdown (product.md 3b step 7, section 9): after
  // idle − warning the screen is told every second how long is left; at zero the session ends.
  const armIdle = () => {
    clearIdle();
    const idleMs = policies.idleTimeoutMinutes * 60_000;
    const warningSeconds = Math.min(policies.idleWarningSeconds, Math.floor(idleMs / 1000));
    idleTimer = setTimeout(
      () => {
        idleTimer = null;
        void serial(async () => {
          if (stage !== 'role-selected') return;
          await note({
            type: 'session.timeoutWarning',
            outcome: 'info',
            detail: { secondsRemaining: warningSeconds },
          });
          let remaining = warningSeconds;
          events.emit('session.timeoutWarning', { secondsRemaining: remaining });
          warningTimer = setInterval(() => {
            remaining -= 1;
            if (remaining > 0) {
              events.emit('session.timeoutWarning', { secondsRemaining: remaining });
              return;
            }
            clearIdle();
            void serial(async () => {
              if (stage === 'role-selected') await endSession('idle');
            });
          }, 1000);
        });
      },
      idleMs - warningSeconds * 1000,
    );
  };

  const armAbsolute = (limitSeconds: number | undefined) => {
    if (absoluteTimer) clearTimeout(absoluteTimer);
    const configured = policies.absoluteLimitHours * 3_600_000;
    const limit = limitSeconds ? Math.min(configured, limitSeconds * 1000) : configured;
    absoluteTimer = setTimeout(() => {
      absoluteTimer = null;
      void serial(async () => {
        if (identity) await endSession('absolute-limit');
      });
    }, limit);
  };

  /**
   * Ends the signed-in session. Listeners (the clinical service's patient context) are awaited and
   * the screen is told `ended` before anything of a next user can be shown (product.md 9).
   */
  const endSession = async (reason: SessionEndReason) => {
    const ending = identity;
    clearTimers();
    identity = null;
    roles = [];
    selected = null;
    lastRoleProfileId = null;
    sessionCard = null;
    stage = 'ended';
    if (ending) lastEnded = reason;
    if (ending) {
      for (const listener of endedListeners) {
        try {
          await listener({ reason, userUuid: ending.userUuid });
        } catch (error) {
          log.error('a session-ended listener failed', { error });
        }
      }
    }
    changed();
    await note({
      type: 'session.ended',
      outcome: 'info',
      detail: { reason, userUuid: ending?.userUuid ?? null },
    });
    try {
      await cards.logout();
    } catch (error) {
      log.warn('card logout failed', { error });
    }
    if (ending) {
      // Best effort: the SSO session ends at the service too (product.md 3a step 12).
      provider.logout(ending).catch((error: unknown) => log.warn('identity logout failed', { error }));
    }
    setStage(present ? 'card-present' : 'no-card');
  };

  const lockSession = async (reason: 'card-removed' | 'user' | 'idle') => {
    clearIdle();
    stage = 'locked';
    // Why: the card's logged-in state must not outlive the lock; the passcode is asked again.
    try {
      await cards.logout();
    } catch (error) {
      log.warn('card logout on lock failed', { error });
    }
    events.emit('session.locked', { reason });
    changed();
    await note({ type: 'session.locked', outcome: 'success', detail: { reason } });
  };

  /** After the card accepted the passcode: identity service, roles, audit (fail closed). */
  const completeLogin = async (token: CardToken, login: CardLogin) => {
    let confirmed: Identity;
    try {
      confirmed = await provider.authenticate({
        certificateDer: login.certificateDer,
        sign: (data) => cards.sign(data),
      });
    } catch (error) {
      throw toAppError(error);
    }
    // Why: the service must confirm the person whose card is in the reader, not someone else.
    if (certificateUserUuid(login.certificateDer) !== confirmed.userUuid) {
      provider.logout(confirmed).catch((error: unknown) => log.warn('identity logout failed', { error }));
      throw toAppError(new IdentityError('IDENTITY_SERVICE_ERROR', 'identity service named another user'));
    }
    const listed: RoleProfile[] = confirmed.roles.map((role) => ({
      ...role,
      activityCodes: [...role.activityCodes],
      hasAccess: roleHasAccess(role),
    }));
    // The session does not hold this identity yet, so the entries name the user themselves (MSCA-AUD-03).
    const who: AuditActor = {
      userUuid: confirmed.userUuid,
      displayName: confirmed.displayName,
      roleProfileId: null,
      jobRoleCode: null,
      odsCode: null,
    };
    if (!listed.some((role) => role.hasAccess)) {
      await record({
        type: 'session.login',
        actor: who,
        outcome: 'refused',
        detail: { userUuid: confirmed.userUuid, reason: 'NO_ROLES', roleCount: listed.length },
      });
      provider.logout(confirmed).catch((error: unknown) => log.warn('identity logout failed', { error }));
      throw appError('NO_ROLES', noRolesMessage);
    }
    await record({
      type: 'session.login',
      actor: who,
      outcome: 'success',
      detail: {
        userUuid: confirmed.userUuid,
        provider: provider.kind,
        cardLabel: token.label,
        roleCount: listed.length,
      },
    });
    let remembered: string | null = null;
    try {
      const recalled = await roleMemory.recall(confirmed.userUuid);
      remembered = listed.some((role) => role.roleProfileId === recalled && role.hasAccess) ? recalled : null;
    } catch (error) {
      log.warn('remembered role could not be read', { error });
    }
    identity = confirmed;
    lastEnded = null;
    roles = listed;
    selected = null;
    lastRoleProfileId = remembered;
    sessionCard = token;
    armAbsolute(confirmed.maxSessionSeconds);
    setStage('authenticated');
  };

  const login = (pin: Buffer) =>
    serial(async () => {
      try {
        if (stage === 'locked') {
          throw appError('SESSION_LOCKED', 'This session is locked. Enter your passcode to unlock it.');
        }
        if (stage === 'authenticated' || stage === 'role-selected') return state();
        const token = present;
        if (!token || stage !== 'card-present') throw toAppError(cardAbsent());
        setStage('authenticating');
        try {
          const cardLogin = await cards.login(token, pin);
          await completeLogin(token, cardLogin);
        } catch (error) {
          const failure = toAppError(error);
          await note({
            type: 'session.login',
            outcome: 'failure',
            detail: { code: failure.code, cardLabel: token.label },
          });
          try {
            await cards.logout();
          } catch (logoutError) {
            log.warn('card logout after failed login failed', { error: logoutError });
          }
          identity = null;
          roles = [];
          setStage(present ? 'card-present' : 'no-card');
          throw failure;
        }
        return state();
      } finally {
        pin.fill(0);
      }
    });

  const cardAbsent = () => appError('CARD_ABSENT', 'Insert or tap your smartcard first.');

  const selectRole = (roleProfileId: string) =>
    serial(async () => {
      if (stage === 'locked')
        throw appError('SESSION_LOCKED', 'Unlock the session with your passcode first.');
      if (stage !== 'authenticated' || !identity) {
        throw appError('NOT_AUTHENTICATED', 'Sign in with your smartcard first.');
      }
      const role = roles.find((candidate) => candidate.roleProfileId === roleProfileId);
      if (!role)
        throw appError('INVALID_INPUT', 'That role is not one of yours. Choose a role from the list.');
      if (!role.hasAccess) {
        await note({ type: 'session.roleSelected', outcome: 'refused', detail: { roleProfileId } });
        throw appError(
          'NOT_AUTHORISED',
          'This role cannot use this system. Choose another role, or contact your Registration Authority.',
        );
      }
      await record({
        type: 'session.roleSelected',
        // The role is chosen but not yet the session's: the entry names it explicitly.
        actor: {
          userUuid: identity.userUuid,
          displayName: identity.displayName,
          roleProfileId: role.roleProfileId,
          jobRoleCode: role.jobRoleCode,
          odsCode: role.odsCode,
        },
        outcome: 'success',
        detail: {
          userUuid: identity.userUuid,
          roleProfileId: role.roleProfileId,
          jobRoleCode: role.jobRoleCode,
          odsCode: role.odsCode,
        },
      });
      const user = identity;
      provider.selectRole(user, role.roleProfileId).catch((error: unknown) => {
        log.warn('identity service role selection failed', { error });
      });
      try {
        await roleMemory.remember(user.userUuid, role.roleProfileId);
      } catch (error) {
        log.warn('role choice could not be remembered', { error });
      }
      selected = role;
      armIdle();
      setStage('role-selected');
      return state();
    });

  const lock = () =>
    serial(async () => {
      if (stage === 'role-selected') await lockSession('user');
      return state();
    });

  const unlock = (pin: Buffer) =>
    serial(async () => {
      try {
        if (stage !== 'locked' || !identity) return state();
        const token = present;
        if (!token) throw toAppError(cardAbsent());
        let cardLogin: CardLogin;
        try {
          cardLogin = await cards.login(token, pin);
        } catch (error) {
          const failure = toAppError(error);
          await note({ type: 'session.unlock', outcome: 'failure', detail: { code: failure.code } });
          throw failure;
        }
        const uuid = certificateUserUuid(cardLogin.certificateDer);
        if (uuid !== identity.userUuid || !sameCard(token, sessionCard)) {
          // A different person's card: the locked session ends (patient context wiped) before
          // the new user is signed in from scratch (product.md 9).
          await endSession('different-card');
          stage = 'authenticating';
          changed();
          try {
            await completeLogin(token, cardLogin);
          } catch (error) {
            const failure = toAppError(error);
            await note({ type: 'session.login', outcome: 'failure', detail: { code: failure.code } });
            await cards.logout().catch(() => undefined);
            setStage(present ? 'card-present' : 'no-card');
            throw failure;
          }
          return state();
        }
        try {
          await record({ type: 'session.unlocked', outcome: 'success', detail: { userUuid: uuid } });
        } catch (error) {
          await cards.logout().catch(() => undefined);
          throw error;
        }
        armIdle();
        setStage('role-selected');
        return state();
      } finally {
        pin.fill(0);
      }
    });

  const logout = () =>
    serial(async () => {
      if (identity) await endSession('logout');
      return state();
    });

  const staySignedIn = () =>
    serial(async () => {
      if (stage !== 'role-selected') return state();
      await note({ type: 'session.staySignedIn', outcome: 'success' });
      armIdle();
      changed();
      return state();
    });

  const touch = () => {
    // Activity restarts the idle timer, but once the warning shows only "Stay logged in" does.
    if (stage === 'role-selected' && idleTimer && !warningTimer) armIdle();
  };

  const onCardEvent = (event: CardEvent) =>
    serial(async () => {
      if (closed) return;
      if (event.type === 'inserted') {
        events.emit('card.inserted', { label: event.token.label });
        if (present) {
          log.info('another card is in a reader; following the first one');
          return;
        }
        present = event.token;
        await note({
          type: 'session.cardInserted',
          outcome: 'info',
          detail: { cardLabel: event.token.label },
        });
        if (stage === 'locked') {
          if (sameCard(event.token, sessionCard)) {
            changed();
            return;
          }
          await endSession('different-card');
          return;
        }
        if ((stage === 'role-selected' || stage === 'authenticated') && !sameCard(event.token, sessionCard)) {
          // The holder's card left (removal policy "ignore") and someone else's arrived.
          await endSession('different-card');
          return;
        }
        if (stage === 'no-card' || stage === 'ended') setStage('card-present');
        else changed();
        return;
      }
      events.emit('card.removed', { label: event.token.label });
      if (!sameCard(event.token, present)) return;
      present = null;
      await note({ type: 'session.cardRemoved', outcome: 'info', detail: { cardLabel: event.token.label } });
      switch (stage) {
        case 'card-present':
        case 'authenticating':
        case 'ended':
          setStage('no-card');
          return;
        case 'authenticated':
          // Signed in but no role yet: nothing to lock into; start again.
          await endSession('card-removed');
          return;
        case 'role-selected':
          // Policy (product.md 9): lock by default; log out or ignore when the admin says so.
          if (policies.cardRemoval === 'lock') await lockSession('card-removed');
          else if (policies.cardRemoval === 'logout') await endSession('card-removed');
          else changed();
          return;
        default:
          changed();
      }
    });

  const unsubscribe = cards.onEvent((event) => {
    onCardEvent(event).catch((error: unknown) => log.error('card event handling failed', { error }));
  });
  // A card already in the reader at start-up counts as inserted.
  const first = cards.tokens()[0];
  if (first) void onCardEvent({ type: 'inserted', token: first });

  const rbacSubject = (): RbacSubject | null => (stage === 'role-selected' && selected ? selected : null);

  const actor = (): AuditActor | null =>
    identity
      ? {
          userUuid: identity.userUuid,
          displayName: identity.displayName,
          roleProfileId: selected?.roleProfileId ?? null,
          jobRoleCode: selected?.jobRoleCode ?? null,
          odsCode: selected?.odsCode ?? null,
          roleName: selected?.jobRoleName ?? null,
          organisationName: selected?.organisationName ?? null,
        }
      : null;

  return {
    state,
    rbacSubject,
    actor,
    onEnded: (listener) => {
      endedListeners.add(listener);
      return () => endedListeners.delete(listener);
    },
    login,
    selectRole,
    lock,
    unlock,
    logout,
    staySignedIn,
    touch,
    close: () =>
      serial(async () => {
        if (closed) return;
        if (identity) await endSession('shutdown');
        closed = true;
        clearTimers();
        unsubscribe();
        await provider.close().catch(() => undefined);
        await cards.close().catch(() => undefined);
      }),
  };
}
