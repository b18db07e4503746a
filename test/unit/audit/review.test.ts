// "Access to review" (issue 13): which access entries wait for the privacy officer, opening hours
// in the workstation's local time, reviews taking entries off the queue, and names read from the
// entry itself.
import { describe, expect, it } from 'vitest';
import type { AuditEntryView, AuditSearchQuery } from '../../../preload/contract';
import { OpeningHours } from '../../../main/config/schema';
import {
  describeOpeningHours,
  entryNames,
  outsideOpeningHours,
  reviewQueue,
  reviewReasons,
} from '../../../main/audit/review';
import { withNames } from '../../../main/audit/trail';

const hours = OpeningHours.parse({});

function entry(partial: Partial<AuditEntryView>): AuditEntryView {
  return {
    sequence: 1,
    at: '2026-12-02T10:00:00.000Z',
    tzOffset: '+00:00',
    type: 'scr.access',
    outcome: 'success',
    userUuid: '555000000001',
    displayName: 'PHARMACIST, Test',
    roleProfileId: '555000001001',
    jobRole: 'R1290',
    odsCode: 'FQ001',
    workstation: 'ws-1',
    asid: null,
    nhsNumber: '9000000009',
    interactionId: null,
    messageId: null,
    correlationId: null,
    accessReason: 'permission-to-view',
    accessReasonText: null,
    detail: null,
    hash: 'h',
    ...partial,
  };
}

describe('opening hours', () => {
  it('defaults to Mon–Sat 08:00–18:30 and says so in words', () => {
    expect(describeOpeningHours(hours)).toBe('Mon–Sat 08:00–18:30');
    expect(describeOpeningHours(OpeningHours.parse({ days: [0, 2, 3, 5] }))).toBe(
      'Sun, Tue–Wed, Fri 08:00–18:30',
    );
  });

  it('judges an entry in the local time it was written, using its recorded offset', () => {
    // Wednesday 2 Dec 2026.
    expect(outsideOpeningHours('2026-12-02T10:00:00.000Z', '+00:00', hours)).toBe(false);
    expect(outsideOpeningHours('2026-12-02T07:59:00.000Z', '+00:00', hours)).toBe(true);
    expect(outsideOpeningHours('2026-12-02T18:30:00.000Z', '+00:00', hours)).toBe(true);
    // 07:30 UTC is 08:30 at +01:00: open.
    expect(outsideOpeningHours('2026-12-02T07:30:00.000Z', '+01:00', hours)).toBe(false);
    // Sunday 6 Dec 2026 at noon: closed all day.
    expect(outsideOpeningHours('2026-12-06T12:00:00.000Z', '+00:00', hours)).toBe(true);
  });
});

describe('access to review', () => {
  it('HAZ-095 queues emergency, legal, restricted-record and out-of-hours access, and nothing else', () => {
    expect(reviewReasons(entry({}), hours)).toEqual([]);
    expect(reviewReasons(entry({ accessReason: 'emergency' }), hours)).toEqual(['emergency']);
    expect(reviewReasons(entry({ accessReason: 'legal' }), hours)).toEqual(['legal']);
    expect(reviewReasons(entry({ detail: '{"restricted":true}' }), hours)).toEqual(['restricted']);
    expect(reviewReasons(entry({ at: '2026-12-02T22:00:00.000Z' }), hours)).toEqual(['out-of-hours']);
    expect(reviewReasons(entry({ type: 'scr.view', accessReason: 'emergency' }), hours)).toEqual([]);
    // Training seeds record the decision as scr.access-decision: queued by the same rule.
    expect(reviewReasons(entry({ type: 'scr.access-decision', accessReason: 'legal' }), hours)).toEqual([
      'legal',
    ]);
  });

  it('HAZ-095 leaves out what has been reviewed and marks the reviewer’s own access', async () => {
    const trail: AuditEntryView[] = [
      entry({ sequence: 1, accessReason: 'emergency' }),
      entry({ sequence: 2, accessReason: 'legal', userUuid: '555000000003' }),
      entry({ sequence: 3 }),
      entry({ sequence: 4, type: 'audit.reviewed', detail: '{"note":"ok","reviewedSequence":1}' }),
      // A refused review (one's own access) does not take the item off the queue.
      entry({ sequence: 5, type: 'audit.reviewed', outcome: 'refused', detail: '{"reviewedSequence":2}' }),
    ];
    const search = async (query: AuditSearchQuery) => {
      const entries = trail.filter((e) => e.type === query.eventType);
      return { entries, total: entries.length, page: query.page, pageSize: query.pageSize };
    };
    const queue = await reviewQueue(search, hours, '555000000003');
    expect(queue.map((item) => [item.entry.sequence, item.reasons, item.ownAccess])).toEqual([
      [2, ['legal'], true],
    ]);
  });
});

describe('names recorded with each entry', () => {
  it('adds role, organisation and patient names to the detail when written, and reads them back', () => {
    const detail = withNames(
      { type: 'scr.view', outcome: 'success', nhsNumber: '9000000009', detail: { result: 'shown' } },
      {
        userUuid: 'u',
        displayName: 'PHARMACIST, Test',
        roleProfileId: 'r',
        jobRoleCode: 'R1290',
        odsCode: 'FQ001',
        roleName: 'Pharmacist',
        organisationName: 'Riverside Pharmacy',
      },
      (nhs) => (nhs === '9000000009' ? 'FAIRBAIRN, Jane' : null),
    );
    expect(detail).toEqual({
      result: 'shown',
      names: { role: 'Pharmacist', organisation: 'Riverside Pharmacy', patient: 'FAIRBAIRN, Jane' },
    });
    const view = entryNames(entry({ detail: JSON.stringify(detail) }));
    expect(view.names).toEqual({
      role: 'Pharmacist',
      organisation: 'Riverside Pharmacy',
      patient: 'FAIRBAIRN, Jane',
    });
    // An entry without names (written before) is shown as it is.
    expect(entryNames(entry({})).names).toBeUndefined();
  });
});
