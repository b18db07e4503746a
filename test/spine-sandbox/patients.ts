// The synthetic patient pack (patients.json, documented in README.md): its types, loading and
// checks (valid NHS numbers, unique), and the mutable sandbox state built from it — consent
// per patient and the GP Summary documents, which uploads and consent changes alter.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { isValidNhsNumber } from '../../preload/contract/nhs-number';

export type Gender = '0' | '1' | '2' | '9';
export type Consent = 'Ask' | 'No' | 'Yes';
export type DocumentStatus = 'Normal' | 'Withdrawn' | 'Replaced';

export interface PackName {
  readonly prefix?: string;
  readonly given: readonly string[];
  readonly family: string;
}

export interface PackAddress {
  readonly use?: 'H' | 'PST' | 'TMP';
  readonly lines: readonly string[];
  readonly postcode: string;
  readonly from?: string;
}

export interface PackGp {
  readonly ods: string;
  readonly name: string;
  /** YYYYMMDD registration start; the last entry is the current practice. */
  readonly from: string;
  readonly to?: string;
}

export interface Medication {
  readonly drug: string;
  readonly code: string;
  readonly dosage: string;
  readonly quantity: string;
  readonly unit: string;
  readonly start: string;
}

export interface CodedItem {
  readonly code: string;
  readonly display: string;
  readonly date: string;
  readonly detail?: string;
}

/** The clinical content a generated GP Summary carries. */
export interface Clinical {
  readonly allergies: readonly CodedItem[];
  readonly acute: readonly Medication[];
  readonly repeat: readonly Medication[];
  readonly discontinued: readonly Medication[];
  readonly problems: readonly CodedItem[];
  readonly diagnoses: readonly CodedItem[];
  readonly risks: readonly CodedItem[];
  /** Free-text additional information (the "additional information" of an enriched SCR). */
  readonly additional: readonly CodedItem[];
}

export interface PackDocument {
  readonly id: string;
  readonly setId?: string;
  readonly status: DocumentStatus;
  /** YYYYMMDDHHMMSS. */
  readonly created: string;
  readonly author: { readonly name: string; readonly roleProfileId: string; readonly userId: string };
  readonly practice: string;
  /** Id of the document this one replaces. */
  readonly replaces?: string;
  readonly clinical: Clinical;
  /** Many entries, for the render benchmark. */
  readonly large?: boolean;
}

export interface PackPatient {
  readonly nhsNumber: string;
  readonly note: string;
  readonly name: PackName;
  readonly previousNames?: readonly PackName[];
  readonly gender: Gender;
  readonly birthDate: string;
  readonly deceasedDate?: string;
  readonly addresses: readonly PackAddress[];
  readonly telecom?: readonly { readonly use: string; readonly value: string }[];
  readonly gp: readonly PackGp[];
  /** S-flag: PDS returns confidentialityCode and no demographics (spec 6.3). */
  readonly restricted?: boolean;
  /** PDS does not know this number (QUQI code 1). */
  readonly unknownToPds?: boolean;
  /** This number was superseded by that one (PDS warning 24). */
  readonly supersededBy?: string;
  /** This record was merged into that one (PSIS 410/30307). */
  readonly mergedInto?: string;
  readonly consent: Consent;
  readonly serialChangeNumber: number;
  readonly documents: readonly PackDocument[];
}

export interface PatientPack {
  readonly version: string;
  readonly description: string;
  readonly patients: readonly PackPatient[];
}

// One modulus-11 check for the whole project (preload/contract/nhs-number.ts).
export { isValidNhsNumber };

const here = dirname(fileURLToPath(import.meta.url));
export const defaultPackFile = join(here, 'patients.json');

export function loadPack(file: string = defaultPackFile): PatientPack {
  const pack = JSON.parse(readFileSync(file, 'utf8')) as PatientPack;
  const seen = new Set<string>();
  for (const p of pack.patients) {
    if (!isValidNhsNumber(p.nhsNumber)) throw new Error(`patient pack: invalid NHS number ${p.nhsNumber}`);
    if (seen.has(p.nhsNumber)) throw new Error(`patient pack: duplicate NHS number ${p.nhsNumber}`);
    seen.add(p.nhsNumber);
  }
  return pack;
}

/** A stored document with the raw GP Summary XML when it came from an upload. */
export interface StoredDocument extends PackDocument {
  readonly uploadedXml?: string;
  readonly nhsNumber: string;
}

export interface UploadRecord {
  readonly messageId: string;
  readonly interactionId: string;
  readonly nhsNumber: string;
  readonly documentId: string | null;
  readonly receivedAt: string;
  readonly outcome: 'AA' | 'AE' | 'AR';
}

/** What tests read (and the handlers change). */
export interface SandboxState {
  readonly pack: PatientPack;
  patient(nhsNumber: string): PackPatient | undefined;
  consent(nhsNumber: string): Consent;
  setConsent(nhsNumber: string, consent: Consent): void;
  documents(nhsNumber: string): readonly StoredDocument[];
  addDocument(doc: StoredDocument): void;
  setStatus(nhsNumber: string, documentId: string, status: DocumentStatus): void;
  readonly uploads: readonly UploadRecord[];
  recordUpload(upload: UploadRecord): void;
  /** Self-claimed legitimate relationships (REPC_IN040000UK15), as `nhsNumber:userId`. */
  readonly relationships: ReadonlySet<string>;
  addRelationship(nhsNumber: string, userId: string): void;
}

export function createState(pack: PatientPack): SandboxState {
  const byNumber = new Map(pack.patients.map((p) => [p.nhsNumber, p]));
  const consent = new Map(pack.patients.map((p) => [p.nhsNumber, p.consent]));
  const docs = new Map<string, StoredDocument[]>(
    pack.patients.map((p) => [p.nhsNumber, p.documents.map((d) => ({ ...d, nhsNumber: p.nhsNumber }))]),
  );
  const uploads: UploadRecord[] = [];
  const relationships = new Set<string>();
  return {
    pack,
    patient: (n) => byNumber.get(n),
    consent: (n) => consent.get(n) ?? 'Ask',
    setConsent: (n, c) => {
      consent.set(n, c);
    },
    documents: (n) => docs.get(n) ?? [],
    addDocument: (doc) => {
      const list = docs.get(doc.nhsNumber) ?? [];
      list.push(doc);
      docs.set(doc.nhsNumber, list);
    },
    setStatus: (n, id, status) => {
      const list = docs.get(n) ?? [];
      const i = list.findIndex((d) => d.id === id);
      const found = list[i];
      if (found) list[i] = { ...found, status };
    },
    uploads,
    recordUpload: (u) => {
      uploads.push(u);
    },
    relationships,
    addRelationship: (n, user) => {
      relationships.add(`${n}:${user}`);
    },
  };
}
