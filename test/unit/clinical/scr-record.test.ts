// Issue 11, clinical facts first: a real GP Summary from the sandbox's generator (the same XML the
// sandbox sends) is read by main and drawn by the record component. Each test proves one control
// of the hazard log and names its id.
import { describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { parseXml } from '../../../main/hl7/xml';
import { readGpSummary } from '../../../main/hl7/scr';
import { toRecord } from '../../../main/clinical/hl7-gateway';
import type { Patient, SummaryCareRecordView } from '../../../preload/contract';
import { ScrRecord, retrievedWhen } from '../../../renderer/features/scr/record';
import { allergyCue, recordSections } from '../../../renderer/features/scr/sections';
import { medicationListText } from '../../../renderer/features/scr/copy-medication';
import { loadPack } from '../../spine-sandbox/patients';
import { gpSummaryXml } from '../../spine-sandbox/gp-summary';

const pack = loadPack();
const patient = pack.patients.find((p) => p.nhsNumber === '9000000009');
if (!patient?.documents[0]) throw new Error('pack patient 9000000009 has no document');
const document = patient.documents[0];

function view(overrides: Partial<SummaryCareRecordView> = {}, doc = document): SummaryCareRecordView {
  const summary = readGpSummary(parseXml(gpSummaryXml(doc, '9000000009')));
  if (!summary) throw new Error('no summary');
  const record = toRecord(summary, doc.id);
  return {
    nhsNumber: '9000000009',
    documentId: record.documentId,
    lastUpdated: record.lastUpdated,
    author: record.author,
    recentPracticeChange: false,
    core: record.sections.filter((s) => s.category !== 'additional'),
    additional: record.sections.filter((s) => s.category === 'additional'),
    presentation: record.presentation ? [...record.presentation] : null,
    presentationPlain: record.presentationPlain ?? null,
    status: record.status ?? 'current',
    notes: record.notes ?? { formattingRemoved: false, directionMarksRemoved: false },
    retrievedAt: '2026-12-03T14:32:00',
    access: { kind: 'permission', reason: null },
    practiceOdsCode: 'B82005',
    ...overrides,
  };
}

const draw = (record: SummaryCareRecordView) => renderToStaticMarkup(createElement(ScrRecord, { record }));
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('HAZ-010 clinical facts come first', () => {
  it('HAZ-010 allergies, then acute and repeat medication, come before the GP boilerplate and Additional Information', () => {
    const words = text(draw(view()));
    const at = (phrase: string) => words.indexOf(phrase);
    expect(at('Allergy to penicillin')).toBeGreaterThan(0);
    expect(at('Allergy to penicillin')).toBeLessThan(at('Amoxicillin 500mg capsules'));
    expect(at('Amoxicillin 500mg capsules')).toBeLessThan(at('Amlodipine 5mg tablets'));
    expect(at('Amlodipine 5mg tablets')).toBeLessThan(at('Sourced from the patient'));
    expect(at('Sourced from the patient')).toBeLessThan(at('Immunosuppressed'));
  });

  it('HAZ-010 a section index with counts links to each section', () => {
    const html = draw(view());
    const index = /<nav[^>]*aria-label="Sections of this record"[^>]*>(.*?)<\/nav>/.exec(html)?.[1] ?? '';
    expect(text(index)).toContain('Allergies and Adverse Reactions (1)');
    expect(text(index)).toContain('Acute Medications (2)');
    expect(text(index)).toContain('Current Repeat Medications (2)');
    for (const [, target] of index.matchAll(/href="#([^"]+)"/g)) expect(html).toContain(`id="${target}"`);
  });

  it('HAZ-010 the record heading can take focus, and Additional Information is collapsible but allergies are not', () => {
    const html = draw(view());
    expect(html).toMatch(/<h2 id="scr-heading" tabindex="-1">Summary Care Record<\/h2>/i);
    expect(html).toMatch(/aria-controls="scr-additional-body"[^>]*>Hide Additional Information/);
    // Allergies and medication sit outside the collapsible region.
    const collapsible = html.slice(html.indexOf('id="scr-additional-body"'));
    expect(collapsible).not.toContain('Allergy to penicillin');
    expect(collapsible).not.toContain('Amlodipine');
  });

  it('HAZ-010 a "Type" column that repeats on every row is left out; dates never wrap', () => {
    const html = draw(view());
    const acute = html.slice(
      html.indexOf('>Acute Medications</h3>'),
      html.indexOf('>Current Repeat Medications</h3>'),
    );
    expect(acute).toContain('Amoxicillin 500mg capsules');
    expect(acute).not.toContain('Acute Medication</td>');
    expect(acute).not.toContain('>Type</th>');
    expect(html).toContain('Prescribed: <span class="app-nowrap">15-Feb-2025</span>');
  });
});

describe('HAZ-011 the allergy cue beside the banner', () => {
  it('HAZ-011 names the allergies, or says what the document states', () => {
    expect(allergyCue(recordSections(view()))).toBe('Allergies: Allergy to penicillin');
    const none = { ...document, clinical: { ...document.clinical, allergies: [] } };
    expect(allergyCue(recordSections(view({}, none)))).toBe('No allergy information recorded');
    const nka = view({
      presentation: [
        {
          type: 'element',
          name: 'h2',
          children: [{ type: 'text', text: 'Allergies and Adverse Reactions' }],
        },
        { type: 'element', name: 'p', children: [{ type: 'text', text: 'No known drug allergies' }] },
      ],
    });
    expect(allergyCue(recordSections(nka))).toBe('No known allergies');
  });
});

describe('HAZ-009 the record says how it was obtained', () => {
  it('HAZ-009 retrieval time, access basis, source practice and last update are shown', () => {
    const words = text(draw(view()));
    expect(words).toContain(`Retrieved from Spine at ${retrievedWhen('2026-12-03T14:32:00')}`);
    expect(words).toContain('Viewed with the patient’s permission');
    expect(words).toContain('From practice B82005');
    expect(text(draw(view({ author: { name: null, organisation: 'Moorside' } })))).toContain(
      'From Moorside (B82005)',
    );
    expect(words).toMatch(/Last updated by the GP practice on 10-Jul-2024 \d\d:01 by Dr Helen Marsh/);
    const emergency = text(draw(view({ access: { kind: 'emergency', reason: 'Unconscious, no relative' } })));
    expect(emergency).toContain('Emergency access: Unconscious, no relative');
    expect(retrievedWhen('2026-12-03T14:32:00', new Date('2026-12-03T18:00:00'))).toBe('14:32 today');
  });
});

describe('HAZ-007 a document that is not current says so', () => {
  it('HAZ-007 Replaced and Withdrawn documents are marked; a current one is not', () => {
    expect(text(draw(view({ status: 'withdrawn' })))).toContain('Withdrawn document');
    expect(text(draw(view({ status: 'replaced' })))).toContain('Replaced document');
    expect(text(draw(view()))).not.toMatch(/Withdrawn document|Replaced document/);
  });
});

describe('HAZ-008 wide tables stay readable', () => {
  it('HAZ-008 every table scrolls in its own focusable, labelled block', () => {
    const html = draw(view());
    const tables = html.match(/<table/g)?.length ?? 0;
    const blocks = html.match(
      /<div class="app-table-scroll" role="region" aria-label="[^"]+" tabindex="0"><table/g,
    );
    expect(tables).toBeGreaterThan(3);
    expect(blocks?.length).toBe(tables);
  });
});

describe('HAZ-001 a copied medication list names its patient', () => {
  it('HAZ-001 is headed by name, date of birth and NHS number, one line per current medicine', () => {
    const patient: Patient = {
      nhsNumber: '9000000009',
      name: { family: 'FAIRBAIRN', given: ['Jane'], title: 'Mrs', preferred: null },
      birthDate: '1968-04-12',
      deathDate: null,
      gender: 'female',
      restricted: false,
      addresses: [],
      contacts: [],
      gp: null,
      warnings: [],
    };
    const lines = medicationListText(patient, recordSections(view()), new Date('2026-12-03T14:32:00')).split(
      '\n',
    );
    expect(lines[0]).toBe('FAIRBAIRN, Jane (Mrs) · Born 12-Apr-1968 · NHS No. 900 000 0009');
    expect(lines).toContain(
      'Amoxicillin 500mg capsules — One capsule three times a day for 7 days — 21 capsule — Prescribed: 15-Feb-2025',
    );
    expect(lines).toContain(
      'Amlodipine 5mg tablets — One tablet once a day — 28 tablet — Last Issued: 01-Sep-2025',
    );
    expect(lines.join('\n')).not.toMatch(/penicillin|Immunosuppressed/i);
  });
});
