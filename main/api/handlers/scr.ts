// scr.*: the access decision and reading the Summary Care Record (issue 7).
import type { HandlerTable } from '../handler';

export const scrHandlers = {} satisfies Partial<HandlerTable>;
