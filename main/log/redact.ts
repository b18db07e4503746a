// Redaction of patient identifiers and secrets before anything is logged
// (architecture.md section 4: nothing with PHI goes to logs).

/** Keys whose values are never logged, whatever they hold. */
const secretKey = /(pin|passcode|password|secret|key|token|cert|signature|challenge|ticket)/i;
/** Keys whose values identify a person. */
const personKey =
  /(name|family|given|prefix|suffix|nhs.?number|birth|death|dob|address|postcode|telecom|phone|email)/i;
/** NHS numbers written as 10 digits or 3-3-4. */
const nhsNumberText = /\b\d{3}[ -]?\d{3}[ -]?\d{4}\b/g;

export function redactText(text: string): string {
  return text.replace(nhsNumberText, '[nhs-number]');
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[deep]';
  if (typeof value === 'string') return redactText(value);
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return '[bytes]';
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value instanceof Error) return { name: value.name, message: redactText(value.message) };
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (secretKey.test(key)) out[key] = '[secret]';
      else if (personKey.test(key)) out[key] = '[redacted]';
      else out[key] = redact(item, depth + 1);
    }
    return out;
  }
  return value;
}
