// Generated GP Summaries: well-formed REPC_MT150007UK05 that main/hl7 reads back (sections,
// coded entries), accepted by the sandbox's own upload rules, and hostile text escaped.
import { describe, expect, it } from 'vitest';
import { readGpSummary } from '../../../main/hl7/scr';
import { parseXml as parseHl7 } from '../../../main/hl7/xml';
import { cuiDate, gpSummaryXml } from '../../spine-sandbox/gp-summary';
import { loadPack, type PackDocument } from '../../spine-sandbox/patients';
import { documentProblem } from '../../spine-sandbox/upload';
import { parseXml } from '../../spine-sandbox/xml';

const pack = loadPack();
const doc = pack.patients.find((p) => p.nhsNumber === '9000000009')?.documents[0] as PackDocument;

describe('generated GP Summary', () => {
  it('reads back through main/hl7 with its sections and coded entries', () => {
    const scr = readGpSummary(parseHl7(gpSummaryXml(doc, '9000000009')));
    expect(scr?.id).toBe(doc.id);
    expect(scr?.nhsNumber).toBe('9000000009');
    expect(scr?.sections).toEqual(
      expect.arrayContaining([
        'General Practice Summary',
        'Allergies and Adverse Reactions',
        'Current Repeat Medications',
      ]),
    );
    const entryCount =
      doc.clinical.allergies.length +
      doc.clinical.acute.length +
      doc.clinical.repeat.length +
      doc.clinical.discontinued.length +
      doc.clinical.problems.length +
      doc.clinical.diagnoses.length +
      doc.clinical.risks.length +
      doc.clinical.additional.length;
    expect(scr?.entries).toHaveLength(entryCount);
    const repeat = scr?.entries.find((e) => e.medication);
    expect(repeat?.medication).toBeTruthy();
  });

  it('passes the sandbox upload rules (spec 8.1) for every document in the pack', () => {
    for (const p of pack.patients) {
      for (const d of p.documents) expect(documentProblem(parseXml(gpSummaryXml(d, p.nhsNumber)))).toBeNull();
    }
  });

  it('escapes hostile text instead of emitting markup', () => {
    const hostile: PackDocument = {
      ...doc,
      author: { ...doc.author, name: 'Dr <script>alert("x")</script> & "Co"' },
      clinical: {
        ...doc.clinical,
        allergies: [{ code: '1', display: '<img src=x onerror=alert(1)>', date: '20200101' }],
      },
    };
    const xml = gpSummaryXml(hostile, '9000000009');
    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain('<img');
    const scr = readGpSummary(parseHl7(xml));
    expect(scr?.author?.name ?? JSON.stringify(scr?.author)).toContain('<script>');
    expect(JSON.stringify(scr?.presentation)).not.toContain('"img"');
  });

  it('makes the large document large', () => {
    const large = pack.patients
      .flatMap((p) => p.documents.map((d) => ({ d, n: p.nhsNumber })))
      .find((x) => x.d.large);
    expect(large).toBeDefined();
    const xml = gpSummaryXml(large?.d as PackDocument, large?.n ?? '');
    expect(Buffer.byteLength(xml)).toBeGreaterThan(1_000_000);
    expect(readGpSummary(parseHl7(xml, { maxBytes: 16 * 1024 * 1024 }))?.entries.length).toBeGreaterThan(
      1000,
    );
  });

  it('formats CUI dates', () => {
    expect(cuiDate('20250301101500')).toBe('01-Mar-2025');
  });
});
