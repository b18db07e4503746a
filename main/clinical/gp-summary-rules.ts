// Checks a composed GP Summary against the rules Spine applies (spine-hl7v3.md section 8.1)
// and the ones a safe summary needs, before anything is queued: a rejected upload is found out
// hours later, a problem shown now is fixed in seconds.
import type { GpSummaryDraft, ValidationProblem } from '../../preload/contract';
import type { MessageAuthor } from '../hl7/context';

// Spine reads these phrases in the presentation text as dissent / no content (section 8.1):
// a composed summary must not say them by accident.
const reservedPhrases = [
  'refused consent for upload to national shared electronic record',
  'has chosen not to store their clinical information',
  'has chosen not to have a summary care record',
  'the practice holds no significant data on this patient',
];

// Control characters other than tab, newline and carriage return (pasted from other systems).
const hasControlCharacters = (text: string): boolean =>
  [...text].some((char) => {
    const code = char.charCodeAt(0);
    return (code < 32 && code !== 9 && code !== 10 && code !== 13) || code === 127;
  });

export function validateDraft(
  draft: GpSummaryDraft,
  author: MessageAuthor | null,
  authorName: string | null,
  today: string,
): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const allergies = draft.allergies ?? [];
  const acute = draft.acuteMedication ?? [];
  const repeat = draft.repeatMedication ?? [];
  const additional = draft.additional ?? [];
  if (!author || !authorName) {
    // Spine: an SDS author needs role profile id, user id and a name.
    problems.push({ field: 'author', message: 'Sign in with a role before sending a GP Summary.' });
  }
  if (draft.noKnownAllergies && allergies.length > 0) {
    problems.push({
      field: 'allergies',
      message: 'Either list the allergies or record “No known allergies”, not both.',
    });
  }
  if (!draft.noKnownAllergies && allergies.length + acute.length + repeat.length + additional.length === 0) {
    problems.push({
      field: 'summary',
      message: 'The summary is empty. Add allergies, medication or additional information.',
    });
  }
  const check = (field: string, text: string | undefined, date?: string) => {
    if (text !== undefined && hasControlCharacters(text)) {
      problems.push({ field, message: 'Remove the control characters pasted into this text.' });
    }
    if (text !== undefined && reservedPhrases.some((phrase) => text.toLowerCase().includes(phrase))) {
      problems.push({
        field,
        message: 'This wording is reserved for consent and “no data” summaries. Rephrase it.',
      });
    }
    if (date !== undefined && date > today) {
      problems.push({ field, message: 'The date is in the future.' });
    }
  };
  allergies.forEach((entry, index) => {
    check(`allergies.${index}`, entry.text, entry.date);
    check(`allergies.${index}.reaction`, entry.reaction);
  });
  acute.forEach((entry, index) => {
    check(`acuteMedication.${index}`, entry.text, entry.date);
    check(`acuteMedication.${index}.dosage`, entry.dosage);
    if (!entry.dosage) {
      problems.push({ field: `acuteMedication.${index}.dosage`, message: 'Add the dosage instructions.' });
    }
  });
  repeat.forEach((entry, index) => {
    check(`repeatMedication.${index}`, entry.text, entry.date);
    check(`repeatMedication.${index}.dosage`, entry.dosage);
    if (!entry.dosage) {
      problems.push({ field: `repeatMedication.${index}.dosage`, message: 'Add the dosage instructions.' });
    }
  });
  additional.forEach((entry, index) => check(`additional.${index}`, entry.text));
  return problems;
}
