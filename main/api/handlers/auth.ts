// auth.*: the session as the screens see it.
import type { HandlerTable } from '../handler';
import { defineHandler } from '../handler';

export const authState = defineHandler({
  operation: 'auth.state',
  feature: null,
  handle: (_input, { services }) => services.session.state(),
});

export const authHandlers = { 'auth.state': authState } satisfies Partial<HandlerTable>;
