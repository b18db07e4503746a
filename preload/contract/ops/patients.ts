// patients.*: finding a patient in PDS (clinical journeys, issue 7).
export const patientOperations = {} as const;
