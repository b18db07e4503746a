// training.*: the training card reader and other training-mode-only controls (issue 5).
export const trainingOperations = {} as const;
