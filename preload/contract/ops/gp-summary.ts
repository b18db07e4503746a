// gpSummary.*: composing, uploading and following GP Summaries (issue 7).
export const gpSummaryOperations = {} as const;
