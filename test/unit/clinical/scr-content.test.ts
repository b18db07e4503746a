// Issue 11, faithful content: the GP's presentation text goes through the real path in main (XML
// parse → sanitiser → contract tree) and is drawn by the real renderer component; each test
// proves one control of the hazard log (docs/clinical-safety/hazard-log.md) and names its id.
import { describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { parseXml } from '../../../main/hl7/xml';
import { readGpSummary } from '../../../main/hl7/scr';
import { toPdsPatient, toRecord, PLAIN_TEXT_ABOVE_ELEMENTS } from '../../../main/clinical/hl7-gateway';
import { toPatient } from '../../../main/clinical/patient-view';
import { SummaryCareRecordView } from '../../../preload/contract';
import { PresentationText } from '../../../renderer/features/scr/presentation';
import { SectionBoundary } from '../../../renderer/features/scr/section-boundary';

const NS = 'xhtml:NPfIT:PresentationText';

/** A GP Summary carrying this presentation XHTML (and optional coded entry XML), read as main reads it. */
export function recordFrom(xhtml: string, entries = '') {
  const xml =
    `<GPSummary xmlns="urn:hl7-org:v3"><id root="DOC-1"/><effectiveTime value="20261101100000"/>` +
    `<excerptFrom><CareProfessionalDocumentationCRE><component><presentationText><value>` +
    `<html xmlns="${NS}"><body>${xhtml}</body></html></value></presentationText></component>` +
    `</CareProfessionalDocumentationCRE></excerptFrom>${entries}</GPSummary>`;
  const summary = readGpSummary(parseXml(xml));
  if (!summary) throw new Error('no GP Summary');
  return toRecord(summary, 'DOC-1');
}

function draw(xhtml: string): string {
  const record = recordFrom(xhtml);
  // What crosses the bridge must satisfy the contract.
  SummaryCareRecordView.shape.presentation.parse(record.presentation);
  return renderToStaticMarkup(createElement(PresentationText, { nodes: record.presentation ?? [] }));
}

const RLO = '\u202E';
const PDF = '\u202C';

describe('HAZ-002 wrong dose shown: structure that carries meaning survives', () => {
  it('HAZ-002 superscript and subscript reach the screen (10⁹/L is not 109/L)', () => {
    const html = draw('<p>WBC 4.5 x 10<sup>9</sup>/L; H<sub>2</sub>O</p>');
    expect(html).toContain('10<sup>9</sup>/L');
    expect(html).toContain('H<sub>2</sub>O');
  });

  it('HAZ-002 row and column spans keep each value under its heading', () => {
    const html = draw(
      '<table><thead><tr><th>Drug</th><th>Dose</th><th>Quantity</th></tr></thead><tbody>' +
        '<tr><td rowspan="2">Warfarin</td><td colspan="2">3mg</td></tr><tr><td>1mg</td><td>28</td></tr></tbody></table>',
    );
    // HTML attribute names are case-insensitive (React writes rowSpan/colSpan).
    expect(html).toMatch(/<td rowspan="2"[^>]*>Warfarin<\/td>/i);
    expect(html).toMatch(/<td colspan="2"[^>]*>3mg<\/td>/i);
  });

  it('HAZ-002 preformatted text, table foot, column groups, h5/h6 and code are kept', () => {
    const html = draw(
      '<pre>Col1   Col2\nA      B</pre><h5>Five</h5><h6>Six</h6><code>X1</code><hr/>' +
        '<table><colgroup><col/></colgroup><tbody><tr><td>a</td></tr></tbody><tfoot><tr><td>total</td></tr></tfoot></table>',
    );
    expect(html).toContain('Col1   Col2\nA      B</pre>');
    expect(html).toMatch(/<h6[^>]*>Five<\/h6>/);
    expect(html).toContain('<code>X1</code>');
    expect(html).toContain('<hr/>');
    expect(html).toContain('<col/>');
    expect(html).toMatch(/<tfoot><tr><td dir="auto">total<\/td><\/tr><\/tfoot>/);
  });
});

describe('HAZ-003 information hidden: nothing the GP wrote vanishes silently', () => {
  it('HAZ-003 strike-through is shown struck and announced as deleted', () => {
    const html = draw('<p><del>Simvastatin 40mg</del> <s>Aspirin</s> <strike>Ramipril</strike></p>');
    expect(html).toMatch(/<del><span class="nhsuk-u-visually-hidden">deleted: <\/span>Simvastatin 40mg/);
    expect(html).toMatch(/<s><span class="nhsuk-u-visually-hidden">deleted: <\/span>Aspirin/);
    expect(html).toMatch(/<s><span class="nhsuk-u-visually-hidden">deleted: <\/span>Ramipril/);
  });

  it('HAZ-003 image alt text and form-control text are kept as plain text, with the removal noted', () => {
    const record = recordFrom(
      '<p>Chart: <img src="x.png" alt="Peak flow falling"/></p><form action="https://evil"><textarea>Review in 2 weeks</textarea>' +
        '<button>Confirmed by GP</button><select><option>Daily</option><option>Weekly</option></select>' +
        '<input type="text" value="Left arm"/><input type="password" value="secret"/></form>',
    );
    const html = renderToStaticMarkup(createElement(PresentationText, { nodes: record.presentation ?? [] }));
    for (const words of [
      'Peak flow falling',
      'Review in 2 weeks',
      'Confirmed by GP',
      'Daily Weekly',
      'Left arm',
    ])
      expect(html).toContain(words);
    expect(html).not.toMatch(/<img|<textarea|<button|<select|<input|<form|secret/);
    expect(record.notes?.formattingRemoved).toBe(true);
  });

  it('HAZ-003 removing scripts, styles and links is reported, plain GP text is not', () => {
    expect(recordFrom('<p style="color:red">x</p>').notes?.formattingRemoved).toBe(true);
    expect(recordFrom('<script>alert(1)</script><p>x</p>').notes?.formattingRemoved).toBe(true);
    expect(recordFrom('<p>see <a href="https://x">this</a></p>').notes?.formattingRemoved).toBe(true);
    expect(
      recordFrom('<h2 id="Title">Summary</h2><p class="oddRow">Penicillin</p>').notes?.formattingRemoved,
    ).toBe(false);
  });
});

describe('HAZ-004 bidi controls can never reorder what is displayed', () => {
  it('HAZ-004 an override in the presentation text is removed and noted ("gm 05" stays "gm 05")', () => {
    const record = recordFrom(`<p>Dose ${RLO}gm 05${PDF}</p>`);
    const html = renderToStaticMarkup(createElement(PresentationText, { nodes: record.presentation ?? [] }));
    expect(html).toContain('Dose gm 05');
    expect(html).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
    expect(record.notes?.directionMarksRemoved).toBe(true);
    expect(recordFrom('<p>Dose 5 mg</p>').notes?.directionMarksRemoved).toBe(false);
  });

  it('HAZ-004 isolates and embeddings in coded entries are removed and the entry says so', () => {
    const entry =
      `<pertinentInformation2><pertinentCREType><code code="185361000000102"/><component>` +
      `<UKCT_MT144040UK01.AcuteMedication><code code="1"/><pertinentInformation1><pertinentDosageInstructions>` +
      `<value>\u2067take 2\u2069 daily\u202A</value></pertinentDosageInstructions></pertinentInformation1>` +
      `<consumable><manufacturedProduct><manufacturedManufacturedMaterial><code code="2" displayName="Drug${RLO}X"/>` +
      `</manufacturedManufacturedMaterial></manufacturedProduct></consumable></UKCT_MT144040UK01.AcuteMedication>` +
      `</component></pertinentCREType></pertinentInformation2>`;
    const record = recordFrom('<p>x</p>', entry);
    const acute = record.sections.find((section) => section.category === 'acute-medication');
    expect(acute?.entries[0]).toMatchObject({
      text: 'DrugX',
      details: ['take 2 daily'],
      directionMarksRemoved: true,
    });
  });

  it('HAZ-004 names and addresses from PDS lose their controls and the patient carries a warning', () => {
    const pds = toPdsPatient(
      {
        nhsNumber: '9000000009',
        name: { family: `SMITH${RLO}`, given: ['\u2066Jane'], prefix: [], suffix: [], use: null },
        birthDate: '1970-01-01',
        deathDate: null,
        gender: 'female',
        restricted: false,
        addresses: [{ use: 'H', lines: [`1 ${RLO}High Street`], postcode: 'LS1 1AA', from: null, to: null }],
        telecoms: [],
        gpPracticeOds: null,
        supersededBy: null,
      } as unknown as Parameters<typeof toPdsPatient>[0],
      '9000000009',
    );
    const patient = toPatient(pds, null, true);
    expect(patient.name).toMatchObject({ family: 'SMITH', given: ['Jane'] });
    expect(patient.addresses?.[0]?.lines).toEqual(['1 High Street']);
    expect(patient.warnings.map((warning) => warning.message)).toContain(
      'Text direction marks were removed from this patient’s details.',
    );
  });

  it('HAZ-004 genuine right-to-left text is kept and isolated in its own block', () => {
    const html = draw('<p>\u0645\u0631\u064A\u0645 5 mg</p>');
    expect(html).toContain('<p dir="auto">\u0645\u0631\u064A\u0645 5 mg</p>');
  });
});

describe('HAZ-005 no document can take the record down', () => {
  it('HAZ-005 a <p> with 130,000 <br/> is built and drawn without overflowing the stack', () => {
    const html = draw(`<p>start${'<br/>'.repeat(130_000)}end</p>`);
    expect(html.startsWith('<div class="app-presentation"><p dir="auto">start<br/>')).toBe(true);
    expect(html).toContain('end</p>');
  });

  it('HAZ-005 a <pre> with 200,000 children crosses from main without an error', () => {
    // 100,000 text nodes and 100,000 elements: 200,000 children, below the plain-text size.
    const record = recordFrom(`<pre>${'x<b>y</b>'.repeat(100_000)}</pre>`);
    expect(record.presentation?.[0]).toMatchObject({ type: 'element', name: 'pre' });
    const pre = record.presentation?.[0];
    expect(pre && pre.type === 'element' ? pre.children.length : 0).toBe(200_000);
  });

  it('HAZ-005 a section that cannot be drawn says so and shows its words as plain text', () => {
    expect(SectionBoundary.getDerivedStateFromError()).toEqual({ failed: true });
    const boundary = new SectionBoundary({
      title: 'Allergies',
      plainText: () => 'Penicillin — rash',
      children: null,
    });
    boundary.state = { failed: true };
    const html = renderToStaticMarkup(createElement('div', null, boundary.render()));
    expect(html).toContain('This part of the record could not be shown — the rest is correct');
    expect(html).toContain('Penicillin — rash');
  });
});

describe('HAZ-006 a very large document cannot freeze the screen', () => {
  it('HAZ-006 above the stated size the GP text crosses as plain text with every word kept', () => {
    const many = PLAIN_TEXT_ABOVE_ELEMENTS + 1;
    const record = recordFrom(
      `<p>Allergy: Penicillin${'<b/>'.repeat(many)}</p><table><tr><td>Aspirin</td><td>75mg</td></tr></table>`,
    );
    expect(record.presentation).toBeNull();
    expect(record.presentationPlain).toContain('Allergy: Penicillin');
    expect(record.presentationPlain).toContain('Aspirin\t75mg');
    expect(recordFrom('<p>small</p>').presentationPlain).toBeNull();
  });
});
