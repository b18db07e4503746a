// Generates patients.json, the synthetic patient pack (README.md "Patient pack"), from a fixed
// seed: the special patients other tests and documents rely on, then ordinary ones. Run
// `npx tsx test/spine-sandbox/make-pack.ts` after changing it; the output is committed so a
// change shows in review. Names, addresses and practices are invented; clinical codes are
// SNOMED CT / dm+d concepts used only as realistic labels.
import { writeFileSync } from 'node:fs';
import { stableUuid } from './gp-summary';
import {
  defaultPackFile,
  isValidNhsNumber,
  type Clinical,
  type CodedItem,
  type Medication,
  type PackDocument,
  type PackPatient,
  type PatientPack,
} from './patients';

export const PACK_VERSION = '1.0.0';

let seed = 20260401;
function rand(): number {
  // mulberry32: deterministic, so the committed pack is reproducible.
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
const some = <T>(list: readonly T[], max: number): T[] => {
  const n = Math.floor(rand() * (max + 1));
  const copy = [...list];
  const out: T[] = [];
  for (let i = 0; i < n && copy.length > 0; i += 1)
    out.push(copy.splice(Math.floor(rand() * copy.length), 1)[0] as T);
  return out;
};

const ALLERGIES: readonly CodedItem[] = [
  { code: '91936005', display: 'Allergy to penicillin', date: '', detail: 'Rash and facial swelling' },
  { code: '300916003', display: 'Latex allergy', date: '' },
  { code: '91930004', display: 'Allergy to eggs', date: '', detail: 'Vomiting' },
  { code: '293586001', display: 'Allergy to aspirin', date: '', detail: 'Wheeze' },
  { code: '294530006', display: 'Allergy to codeine', date: '' },
  { code: '91935009', display: 'Allergy to peanuts', date: '', detail: 'Anaphylaxis' },
];
const MEDS: readonly Omit<Medication, 'start'>[] = [
  {
    drug: 'Amlodipine 5mg tablets',
    code: '319283006',
    dosage: 'One tablet once a day',
    quantity: '28',
    unit: 'tablet',
  },
  {
    drug: 'Atorvastatin 20mg tablets',
    code: '320000009',
    dosage: 'One tablet at night',
    quantity: '28',
    unit: 'tablet',
  },
  {
    drug: 'Metformin 500mg tablets',
    code: '325278007',
    dosage: 'One tablet twice a day with meals',
    quantity: '56',
    unit: 'tablet',
  },
  {
    drug: 'Omeprazole 20mg gastro-resistant capsules',
    code: '317335000',
    dosage: 'One capsule each morning',
    quantity: '28',
    unit: 'capsule',
  },
  {
    drug: 'Ramipril 5mg capsules',
    code: '318906001',
    dosage: 'One capsule once a day',
    quantity: '28',
    unit: 'capsule',
  },
  {
    drug: 'Salbutamol 100micrograms/dose inhaler CFC free',
    code: '320176004',
    dosage: 'Two puffs when required',
    quantity: '1',
    unit: 'inhaler',
  },
  {
    drug: 'Levothyroxine sodium 50microgram tablets',
    code: '315237000',
    dosage: 'One tablet each morning',
    quantity: '28',
    unit: 'tablet',
  },
  {
    drug: 'Sertraline 50mg tablets',
    code: '321946005',
    dosage: 'One tablet once a day',
    quantity: '28',
    unit: 'tablet',
  },
  {
    drug: 'Warfarin 1mg tablets',
    code: '319735007',
    dosage: 'As directed by the anticoagulant clinic',
    quantity: '56',
    unit: 'tablet',
  },
];
const ACUTE: readonly Omit<Medication, 'start'>[] = [
  {
    drug: 'Amoxicillin 500mg capsules',
    code: '323510009',
    dosage: 'One capsule three times a day for 7 days',
    quantity: '21',
    unit: 'capsule',
  },
  {
    drug: 'Paracetamol 500mg tablets',
    code: '322236009',
    dosage: 'Two tablets up to four times a day when required',
    quantity: '32',
    unit: 'tablet',
  },
  {
    drug: 'Prednisolone 5mg tablets',
    code: '325427002',
    dosage: 'Six tablets each morning for 5 days',
    quantity: '30',
    unit: 'tablet',
  },
  {
    drug: 'Nitrofurantoin 100mg modified-release capsules',
    code: '376800000',
    dosage: 'One capsule twice a day for 3 days',
    quantity: '6',
    unit: 'capsule',
  },
];
const PROBLEMS: readonly CodedItem[] = [
  { code: '195967001', display: 'Asthma', date: '', detail: 'Significant Active' },
  { code: '44054006', display: 'Type 2 diabetes mellitus', date: '', detail: 'Significant Active' },
  { code: '38341003', display: 'Hypertensive disorder', date: '', detail: 'Significant Active' },
  { code: '40930008', display: 'Hypothyroidism', date: '' },
  { code: '35489007', display: 'Depressive disorder', date: '' },
  { code: '49436004', display: 'Atrial fibrillation', date: '', detail: 'On anticoagulation' },
];
const DIAGNOSES: readonly CodedItem[] = [
  { code: '433144002', display: 'Chronic kidney disease stage 3', date: '' },
  { code: '84757009', display: 'Epilepsy', date: '' },
  { code: '22298006', display: 'Myocardial infarction', date: '', detail: 'Stented' },
  { code: '13645005', display: 'Chronic obstructive lung disease', date: '' },
];
const RISKS: readonly CodedItem[] = [
  { code: '129839007', display: 'At risk for falls', date: '' },
  { code: '161665007', display: 'History of renal transplant', date: '' },
  {
    code: '473183006',
    display: 'Immunosuppressed',
    date: '',
    detail: 'Seek specialist advice before prescribing',
  },
];
const ADDITIONAL: readonly CodedItem[] = [
  {
    code: '1104421000000100',
    display: 'Has lasting power of attorney for health and welfare',
    date: '',
    detail: 'Daughter holds LPA',
  },
  { code: '413473000', display: 'Carer: daughter', date: '' },
  { code: '15188001', display: 'Hearing impaired', date: '', detail: 'Prefers written communication' },
  { code: '1066911000000100', display: 'End of life care plan in place', date: '' },
];

const GIVEN_F = [
  'Amelia',
  'Olivia',
  'Isla',
  'Ava',
  'Mia',
  'Grace',
  'Freya',
  'Evie',
  'Alice',
  'Florence',
  'Ruth',
  'Margaret',
];
const GIVEN_M = [
  'Oliver',
  'George',
  'Harry',
  'Noah',
  'Jack',
  'Leo',
  'Arthur',
  'Oscar',
  'Thomas',
  'William',
  'David',
  'Peter',
];
const FAMILY = [
  'Ashworth',
  'Blackwood',
  'Cartwright',
  'Dunmore',
  'Ellison',
  'Fairbairn',
  'Greenhalgh',
  'Hollingsworth',
  'Ingleby',
  'Jessop',
  'Kettlewell',
  'Lambourne',
  'Merriweather',
  'Northcott',
  'Ormerod',
  'Pennington',
];
const STREETS = [
  'Mill Lane',
  'Station Road',
  'Church Street',
  'Victoria Road',
  'Park Avenue',
  'Queens Road',
  'Manor Way',
  'Orchard Close',
];
const TOWNS: readonly (readonly [string, string, string])[] = [
  ['Leeds', 'West Yorkshire', 'LS'],
  ['Harrogate', 'North Yorkshire', 'HG'],
  ['Wakefield', 'West Yorkshire', 'WF'],
  ['York', 'North Yorkshire', 'YO'],
  ['Bradford', 'West Yorkshire', 'BD'],
];
const PRACTICES: readonly (readonly [string, string])[] = [
  ['Y90001', 'Millbrook Medical Practice, 2 Mill Lane, Leeds, LS6 1AA'],
  ['Y90002', 'Riverside Surgery, 10 Station Road, Harrogate, HG1 1AB'],
  ['Y90003', 'Castlegate Health Centre, 4 Church Street, York, YO1 7AA'],
  ['Y90004', 'Westfield Group Practice, 88 Victoria Road, Wakefield, WF1 2AB'],
  ['Y90005', 'Moorside Family Doctors, 1 Park Avenue, Bradford, BD1 3AA'],
];
const CLINICIANS = [
  { name: 'Dr Helen Marsh', roleProfileId: '100000000101', userId: '200000000101' },
  { name: 'Dr Samir Qureshi', roleProfileId: '100000000102', userId: '200000000102' },
  { name: 'Dr Lucy Fenwick', roleProfileId: '100000000103', userId: '200000000103' },
];

const date = (y0: number, y1: number): string => {
  const y = y0 + Math.floor(rand() * (y1 - y0 + 1));
  const m = 1 + Math.floor(rand() * 12);
  const d = 1 + Math.floor(rand() * 28);
  return `${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`;
};
const dated = (items: readonly CodedItem[]): CodedItem[] =>
  items.map((i) => ({ ...i, date: date(2005, 2025) }));
const started = (meds: readonly Omit<Medication, 'start'>[]): Medication[] =>
  meds.map((m) => ({ ...m, start: date(2024, 2026) }));

function clinical(rich: boolean): Clinical {
  return {
    allergies: dated(some(ALLERGIES, 2)),
    acute: started(some(ACUTE, 2)),
    repeat: started(some(MEDS, rich ? 4 : 2)),
    discontinued: started(some(MEDS, 1)),
    problems: dated(some(PROBLEMS, 2)),
    diagnoses: dated(some(DIAGNOSES, 1)),
    risks: dated(some(RISKS, 1)),
    additional: rich ? dated(some(ADDITIONAL, 2)) : [],
  };
}

function document(
  nhsNumber: string,
  n: number,
  practice: readonly [string, string],
  extra: Partial<PackDocument> = {},
): PackDocument {
  return {
    id: stableUuid(`doc:${nhsNumber}:${n}`),
    status: 'Normal',
    created: `${date(2024, 2025)}${String(8 + Math.floor(rand() * 9)).padStart(2, '0')}${String(Math.floor(rand() * 60)).padStart(2, '0')}00`,
    author: pick(CLINICIANS),
    practice: practice[1],
    clinical: clinical(false),
    ...extra,
  };
}

/** Next valid NHS number in the 999 test range at or after `from`. */
function nextNumber(from: number, used: Set<string>): string {
  for (let n = from; n < from + 10_000; n += 1) {
    const candidate = String(n);
    if (isValidNhsNumber(candidate) && !used.has(candidate)) return candidate;
  }
  throw new Error('no NHS number free');
}

interface Spec {
  nhsNumber?: string;
  note: string;
  gender?: '1' | '2';
  birthDate?: string;
  family?: string;
  given?: string[];
  postcode?: string;
  patch?: (p: PackPatient, practice: readonly [string, string]) => Partial<PackPatient>;
}

function makePatient(spec: Spec, used: Set<string>, counter: { n: number }): PackPatient {
  const nhsNumber = spec.nhsNumber ?? nextNumber(counter.n, used);
  if (!spec.nhsNumber) counter.n = Number(nhsNumber) + 1;
  used.add(nhsNumber);
  const gender = spec.gender ?? (rand() < 0.5 ? '1' : '2');
  const [town, county, area] = pick(TOWNS);
  const practice = pick(PRACTICES);
  const postcode =
    spec.postcode ??
    `${area}${1 + Math.floor(rand() * 20)} ${1 + Math.floor(rand() * 9)}${pick(['AB', 'DE', 'FG', 'HJ', 'LN', 'PQ'])}`;
  const base: PackPatient = {
    nhsNumber,
    note: spec.note,
    name: {
      prefix: gender === '1' ? 'MR' : pick(['MRS', 'MS', 'MISS']),
      given: spec.given ?? [pick(gender === '1' ? GIVEN_M : GIVEN_F)],
      family: spec.family ?? pick(FAMILY),
    },
    gender,
    birthDate: spec.birthDate ?? date(1935, 2004),
    addresses: [
      {
        use: 'H',
        lines: [`${1 + Math.floor(rand() * 120)} ${pick(STREETS)}`, '', town, county],
        postcode,
        from: date(2000, 2020),
      },
    ],
    telecom: [{ use: 'H', value: `tel:0113${String(Math.floor(rand() * 1e7)).padStart(7, '0')}` }],
    gp: [{ ods: practice[0], name: practice[1], from: date(2000, 2020) }],
    consent: 'Ask',
    serialChangeNumber: 1 + Math.floor(rand() * 20),
    documents: [document(nhsNumber, 1, practice)],
  };
  return { ...base, ...(spec.patch ? spec.patch(base, practice) : {}) };
}

export function buildPack(): PatientPack {
  const used = new Set<string>(['9000000009', '9000000025', '9000000033', '9111231130']);
  const counter = { n: 9990000000 };
  const specs: Spec[] = [
    {
      nhsNumber: '9000000009',
      note: 'Ordinary adult with an SCR holding additional information; consent Ask',
      gender: '2',
      birthDate: '19680412',
      family: 'Fairbairn',
      given: ['Jane', 'Elizabeth'],
      postcode: 'LS6 2QT',
      patch: (p, practice) => ({
        documents: [
          document(p.nhsNumber, 1, practice, {
            clinical: {
              ...clinical(true),
              allergies: [
                {
                  code: '91936005',
                  display: 'Allergy to penicillin',
                  date: '20110304',
                  detail: 'Rash and facial swelling',
                },
              ],
              repeat: [
                { ...(MEDS[0] as Omit<Medication, 'start'>), start: '20250901' },
                { ...(MEDS[2] as Omit<Medication, 'start'>), start: '20250901' },
              ],
              additional: [
                { ...(ADDITIONAL[0] as CodedItem), date: '20230115' },
                { ...(ADDITIONAL[1] as CodedItem), date: '20230115' },
              ],
            },
          }),
        ],
      }),
    },
    {
      nhsNumber: '9000000025',
      note: 'Restricted (S-flag): PDS returns confidentialityCode S and no demographics',
      patch: () => ({ restricted: true }),
    },
    {
      nhsNumber: '9000000033',
      note: 'Known to PDS, no SCR (PSIS 210/30312)',
      patch: () => ({ documents: [] }),
    },
    {
      nhsNumber: '9111231130',
      note: 'Not known to PDS (QUQI code 1); PSIS 210/30312',
      patch: () => ({ unknownToPds: true, documents: [] }),
    },
  ];
  const patients: PackPatient[] = specs.map((s) => makePatient(s, used, counter));
  const add = (spec: Spec): PackPatient => {
    const p = makePatient(spec, used, counter);
    patients.push(p);
    return p;
  };
  add({ note: 'Deceased', patch: () => ({ deceasedDate: '20250817' }) });
  const current = add({
    note: 'Current NHS number of a superseded record',
    gender: '1',
    family: 'Ormerod',
    given: ['Peter'],
  });
  add({
    note: `Superseded NHS number: PDS returns ${current.nhsNumber} with warning 24`,
    gender: '1',
    family: 'Ormerod',
    given: ['Peter'],
    patch: () => ({ supersededBy: current.nhsNumber, documents: [] }),
  });
  const survivor = add({ note: 'Surviving record of a merge' });
  add({
    note: `Merged into ${survivor.nhsNumber}: PSIS answers 410/30307`,
    patch: () => ({ mergedInto: survivor.nhsNumber }),
  });
  add({ note: 'Consent No (dissent): SCR retrieval refused 420/30418', patch: () => ({ consent: 'No' }) });
  add({ note: 'Consent Yes (legacy, treated as Ask)', patch: () => ({ consent: 'Yes' }) });
  add({
    note: 'Withdrawn and replaced documents: one Normal, one Replaced, one Withdrawn',
    patch: (p, practice) => {
      const first = document(p.nhsNumber, 1, practice, { status: 'Replaced', created: '20240105093000' });
      const second = document(p.nhsNumber, 2, practice, { replaces: first.id, created: '20250210101500' });
      const withdrawn = document(p.nhsNumber, 3, practice, {
        status: 'Withdrawn',
        created: '20240601110000',
      });
      return { documents: [first, withdrawn, second] };
    },
  });
  add({
    note: 'Child (born 2019)',
    birthDate: '20190723',
    patch: (p) => ({ name: { ...p.name, prefix: 'MSTR' } }),
  });
  for (const [given, postcode, birth] of [
    ['Thomas', 'LS1 4AP', '19820314'],
    ['Timothy', 'HG2 8QT', '19851102'],
    ['Tom', 'YO10 5DD', '19880630'],
  ] as const) {
    add({
      note: 'Advanced-trace candidate: family Hargreaves, male, born 1980-1989 (three candidates)',
      gender: '1',
      family: 'Hargreaves',
      given: [given],
      postcode,
      birthDate: birth,
    });
  }
  add({
    note: 'Two GP practices over time (moved from Y90001 to Y90004 in 2021)',
    patch: () => ({
      gp: [
        { ods: 'Y90001', name: PRACTICES[0]?.[1] ?? '', from: '20080101', to: '20210331' },
        { ods: 'Y90004', name: PRACTICES[3]?.[1] ?? '', from: '20210401' },
      ],
    }),
  });
  add({
    note: 'LARGE GP Summary (each category repeated 60 times) for the render benchmark',
    patch: (p, practice) => ({
      documents: [
        document(p.nhsNumber, 1, practice, {
          clinical: {
            ...clinical(true),
            allergies: dated(ALLERGIES),
            repeat: started(MEDS),
            problems: dated(PROBLEMS),
            diagnoses: dated(DIAGNOSES),
            risks: dated(RISKS),
            acute: started(ACUTE),
            discontinued: started(MEDS.slice(0, 3)),
            additional: dated(ADDITIONAL),
          },
          large: true,
        }),
      ],
    }),
  });
  while (patients.length < 60) add({ note: 'Ordinary patient' });
  return {
    version: PACK_VERSION,
    description:
      'Synthetic patients for the SMSP Spine sandbox. Every person, address and practice is invented. See README.md.',
    patients,
  };
}

if (process.argv[1]?.endsWith('make-pack.ts')) {
  writeFileSync(defaultPackFile, `${JSON.stringify(buildPack(), null, 2)}\n`);
  process.stdout.write(`wrote ${defaultPackFile}\n`);
}
