// audit.*: searching and exporting the audit trail (issue 6).
export const auditOperations = {} as const;
