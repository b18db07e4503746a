// training.*: the training card reader and other training-mode-only controls (issue 5).
import type { HandlerTable } from '../handler';

export const trainingHandlers = {} satisfies Partial<HandlerTable>;
