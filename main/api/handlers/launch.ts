// launch.*: what the screens need about in-context launch requests (issue 14). The notice is
// asked for on the lock and sign-in screens too, so it needs no role; main gives names only to
// the signed-in, unlocked user (main/launch/service.ts). Changing patient needs B0264.
import type { HandlerTable } from '../handler';
import { defineHandler } from '../handler';

export const launchHandlers = {
  'launch.notice': defineHandler({
    operation: 'launch.notice',
    feature: null,
    handle: (_input, { services }) => services.launch.notice(),
  }),
  'launch.answer': defineHandler({
    operation: 'launch.answer',
    feature: 'patients.search',
    handle: (input, { services }) => services.launch.answer(input.open),
  }),
  'launch.dismiss': defineHandler({
    operation: 'launch.dismiss',
    feature: null,
    handle: (_input, { services }) => ({ dismissed: services.launch.dismiss() }),
  }),
} satisfies Partial<HandlerTable>;
