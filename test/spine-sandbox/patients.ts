// The synthetic patient pack (patients.json, documented in README.md): its types, loading and
// checks (valid NHS numbers, unique), and the mutable sandbox state built from it — consent
// per patient and the GP Summary documents, which uploads and consent changes alter.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { isValidNhsNumber } from '../../preload/contract/nhs-number';
import { checkWellFormed } from '../../main/hl7/well-formed';

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
  /**
   * An XHTML fragment file, relative to the pack's folder, used as this document's presentation
   * text instead of the generated one (issue 11: any real or hostile text through the whole path).
   */
  readonly presentationFile?: string;
  /** The fragment read from `presentationFile` when the pack was loaded. */
  readonly presentationXhtml?: string;
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

/** A pack that cannot be used; the message is one line naming the file and the problem. */
export class PackError extends Error {
  override readonly name = 'PackError';
}

const Name = z.object({ prefix: z.string().optional(), given: z.array(z.string()), family: z.string() });
const Item = z.object({
  code: z.string(),
  display: z.string(),
  date: z.string(),
  detail: z.string().optional(),
});
const Med = z.object({
  drug: z.string(),
  code: z.string(),
  dosage: z.string(),
  quantity: z.string(),
  unit: z.string(),
  start: z.string(),
});
const Document = z.object({
  id: z.string().min(1),
  setId: z.string().optional(),
  status: z.enum(['Normal', 'Withdrawn', 'Replaced']),
  created: z.string().regex(/^\d{14}$/, 'created must be YYYYMMDDHHMMSS'),
  author: z.object({ name: z.string(), roleProfileId: z.string(), userId: z.string() }),
  practice: z.string(),
  replaces: z.string().optional(),
  clinical: z.object({
    allergies: z.array(Item),
    acute: z.array(Med),
    repeat: z.array(Med),
    discontinued: z.array(Med),
    problems: z.array(Item),
    diagnoses: z.array(Item),
    risks: z.array(Item),
    additional: z.array(Item),
  }),
  large: z.boolean().optional(),
  presentationFile: z.string().min(1).optional(),
});
const Patient = z.object({
  nhsNumber: z.string(),
  note: z.string(),
  name: Name,
  previousNames: z.array(Name).optional(),
  gender: z.enum(['0', '1', '2', '9']),
  birthDate: z.string(),
  deceasedDate: z.string().optional(),
  addresses: z.array(
    z.object({
      use: z.enum(['H', 'PST', 'TMP']).optional(),
      lines: z.array(z.string()),
      postcode: z.string(),
      from: z.string().optional(),
    }),
  ),
  telecom: z.array(z.object({ use: z.string(), value: z.string() })).optional(),
  gp: z.array(z.object({ ods: z.string(), name: z.string(), from: z.string(), to: z.string().optional() })),
  restricted: z.boolean().optional(),
  unknownToPds: z.boolean().optional(),
  supersededBy: z.string().optional(),
  mergedInto: z.string().optional(),
  consent: z.enum(['Ask', 'No', 'Yes']),
  serialChangeNumber: z.number().int(),
  documents: z.array(Document),
});
const Pack = z.object({ version: z.string(), description: z.string(), patients: z.array(Patient) });

/** Reads an XHTML fragment named by a pack document, resolved inside the pack's folder. */
function readPresentation(packFile: string, name: string): string {
  const folder = dirname(packFile);
  const path = resolve(folder, name);
  const inside = relative(folder, path);
  // Why: a pack names files beside it; it may not reach elsewhere on the disk (../../etc/passwd).
  if (inside.startsWith('..') || isAbsolute(inside)) {
    throw new PackError(`${packFile}: presentationFile ${name} is outside the pack's folder`);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new PackError(`${packFile}: presentationFile ${name} cannot be read (${path})`);
  }
  // It goes inside the GP Summary's XML as it is, so it must be well-formed XML itself.
  const problem = checkWellFormed(`<value>${text}</value>`);
  if (problem) throw new PackError(`${path}: not well-formed XHTML (${problem.message})`);
  return text;
}

/**
 * Loads and checks a pack (schema, NHS numbers, duplicates, presentation files). Every problem is
 * a PackError whose message is one line naming the file and the problem.
 */
export function loadPack(file: string = defaultPackFile): PatientPack {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const why = error instanceof SyntaxError ? `not valid JSON (${error.message})` : 'cannot be read';
    throw new PackError(`${file}: ${why}`);
  }
  const parsed = Pack.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PackError(`${file}: ${issue?.path.join('.') || 'pack'}: ${issue?.message ?? 'invalid'}`);
  }
  const seen = new Set<string>();
  const patients = parsed.data.patients.map((p) => {
    if (!isValidNhsNumber(p.nhsNumber)) throw new PackError(`${file}: invalid NHS number ${p.nhsNumber}`);
    if (seen.has(p.nhsNumber)) throw new PackError(`${file}: duplicate NHS number ${p.nhsNumber}`);
    seen.add(p.nhsNumber);
    return {
      ...p,
      documents: p.documents.map((d) =>
        d.presentationFile ? { ...d, presentationXhtml: readPresentation(file, d.presentationFile) } : d,
      ),
    };
  });
  return { ...parsed.data, patients } as PatientPack;
}

/** The pack named by SMSP_SANDBOX_PACK (absolute, or relative to the current folder), if any. */
export function packFromEnvironment(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const named = env['SMSP_SANDBOX_PACK'];
  return named ? resolve(named) : undefined;
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
