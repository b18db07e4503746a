// One handler per contract operation; the type makes a missing handler a compile error.
import type { HandlerTable } from '../handler';
import { appInfo } from './app';
import { authState } from './auth';

export const handlers: HandlerTable = {
  'app.info': appInfo,
  'auth.state': authState,
};
