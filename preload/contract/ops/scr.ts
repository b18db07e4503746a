// scr.*: the access decision and reading the Summary Care Record (issue 7).
export const scrOperations = {} as const;
