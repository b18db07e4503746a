// The audit chain break on screen (issue 12): what the governance screen and the workspace say
// when main reports a break, who is offered "Acknowledge", and that the note is required. Rendered
// to static markup from the same status object main sends (`audit.integrity`); the round trip
// through main (refusal, acknowledgement audited and witnessed) is covered by
// test/integration/audit/integrity.test.ts.
import { describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { AuditIntegrity, type AuditBreak } from '../../../preload/contract';
import {
  ClinicalClosedNoticeView,
  IntegrityAlertView,
  acknowledgeNoteProblem,
  openBreaks,
} from '../../../renderer/features/audit/integrity-alert';

const brk = (acknowledged: AuditBreak['acknowledged'] = null): AuditBreak => ({
  id: 'start-up-8',
  detectedAt: '2026-12-03T09:00:00.000Z',
  foundBy: 'start-up',
  sequence: 8,
  reason: 'cut off: the witness saw seq 10, the database ends at seq 7',
  acknowledged,
});

const status = (breaks: AuditBreak[]): AuditIntegrity =>
  AuditIntegrity.parse({
    state: breaks.length > 0 ? 'broken' : 'intact',
    clinicalClosed: breaks.some((b) => b.acknowledged === null),
    breaks,
    startupCheck: { fromSequence: 0, toSequence: 7, ms: 1 },
    fullCheck: { state: 'done', entries: 7 },
    witness: {
      file: '/w/audit-witness.ndjson',
      systemLog: 'unavailable',
      lastCheckpoint: null,
      problems: [],
    },
    clock: {
      synchronised: 'unknown',
      skewSeconds: null,
      checkedAt: null,
      limitSeconds: 60,
      withinLimit: true,
    },
  });

const alert = (s: AuditIntegrity | null, canAcknowledge: boolean) =>
  renderToStaticMarkup(
    createElement(IntegrityAlertView, { status: s, canAcknowledge, onChange: () => undefined }),
  );

describe('HAZ-060 audit chain break on the governance screen', () => {
  it('says where the trail failed and that clinical functions are closed, with Acknowledge and a required note for a privacy officer', () => {
    const html = alert(status([brk()]), true);
    expect(html).toContain('role="alert"');
    expect(html).toContain(
      'The audit trail failed its integrity check at entry 8 — clinical functions are closed until a privacy officer acknowledges it',
    );
    expect(html).toContain('cut off: the witness saw seq 10, the database ends at seq 7');
    expect(html).toMatch(/<textarea[^>]*required/);
    expect(html).toContain('>Acknowledge</button>');
  });

  it('offers no Acknowledge button to a governance user who is not a privacy officer', () => {
    const html = alert(status([brk()]), false);
    expect(html).toContain('at entry 8');
    expect(html).not.toContain('>Acknowledge</button>');
    expect(html).toContain('Only a privacy officer');
  });

  it('shows nothing when the trail is intact or every break is acknowledged', () => {
    expect(alert(status([]), true)).toBe('');
    expect(alert(null, true)).toBe('');
    const done = status([brk({ by: 'PRIVACY, Pat (555)', at: '2026-12-03T09:05:00.000Z' })]);
    expect(openBreaks(done)).toEqual([]);
    expect(alert(done, true)).toBe('');
  });

  it('refuses an empty or too long note before anything is sent', () => {
    expect(acknowledgeNoteProblem('   ')).toMatch(/Enter what you checked/);
    expect(acknowledgeNoteProblem('x'.repeat(501))).toMatch(/500 characters/);
    expect(acknowledgeNoteProblem('Restored from backup, incident INC-42')).toBeNull();
  });

  it('tells every other user on the workspace that clinical functions are closed, and only then', () => {
    const closed = renderToStaticMarkup(createElement(ClinicalClosedNoticeView, { closed: true }));
    expect(closed).toContain('the audit trail needs a privacy officer&#x27;s check');
    expect(renderToStaticMarkup(createElement(ClinicalClosedNoticeView, { closed: false }))).toBe('');
  });
});
