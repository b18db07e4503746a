// auth.*: the session as the screens see it. Every op is open before sign-in (feature null);
// the session state machine (main/auth) decides what each stage allows.
import type { HandlerTable } from '../handler';
import { defineHandler } from '../handler';

// Why a Buffer: the passcode arrives as a JS string (immutable, cannot be wiped), so it is copied
// into a buffer at once and only the buffer travels on; the session zeroes it after use.
const pinBuffer = (pin: string): Buffer => Buffer.from(pin, 'utf8');

export const authState = defineHandler({
  operation: 'auth.state',
  feature: null,
  handle: (_input, { services }) => services.session.state(),
});

export const authLogin = defineHandler({
  operation: 'auth.login',
  feature: null,
  handle: ({ pin }, { services }) => services.session.login(pinBuffer(pin)),
});

export const authSelectRole = defineHandler({
  operation: 'auth.selectRole',
  feature: null,
  handle: ({ roleProfileId }, { services }) => services.session.selectRole(roleProfileId),
});

export const authLock = defineHandler({
  operation: 'auth.lock',
  feature: null,
  handle: (_input, { services }) => services.session.lock(),
});

export const authUnlock = defineHandler({
  operation: 'auth.unlock',
  feature: null,
  handle: ({ pin }, { services }) => services.session.unlock(pinBuffer(pin)),
});

export const authLogout = defineHandler({
  operation: 'auth.logout',
  feature: null,
  handle: (_input, { services }) => services.session.logout(),
});

export const authStaySignedIn = defineHandler({
  operation: 'auth.staySignedIn',
  feature: null,
  handle: (_input, { services }) => services.session.staySignedIn(),
});

export const authActivity = defineHandler({
  operation: 'auth.activity',
  feature: null,
  handle: (_input, { services }) => {
    services.session.touch();
    return { ok: true as const };
  },
});

export const authHandlers = {
  'auth.state': authState,
  'auth.login': authLogin,
  'auth.selectRole': authSelectRole,
  'auth.lock': authLock,
  'auth.unlock': authUnlock,
  'auth.logout': authLogout,
  'auth.staySignedIn': authStaySignedIn,
  'auth.activity': authActivity,
} satisfies Partial<HandlerTable>;
