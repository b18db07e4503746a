// consent.*: the patient's SCR consent state in ACS (issue 7).
export const consentOperations = {} as const;
