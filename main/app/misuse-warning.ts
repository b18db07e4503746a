// MSCA-IG-03: a computer-misuse warning at start-up (product.md, SMSP client requirements).
export const misuseWarning =
  'This system holds confidential patient information. Use it only if you are authorised, and only to ' +
  'care for a patient with whom you have a legitimate relationship. Unauthorised access is an offence under ' +
  'the Computer Misuse Act 1990 and may breach the Data Protection Act 2018. Every record you view, and every ' +
  'action you take, is recorded against your smartcard and can be reviewed.';
