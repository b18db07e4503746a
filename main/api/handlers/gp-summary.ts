// gpSummary.*: composing, uploading and following GP Summaries (issue 7).
import type { HandlerTable } from '../handler';

export const gpSummaryHandlers = {} satisfies Partial<HandlerTable>;
