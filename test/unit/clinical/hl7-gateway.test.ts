// The gateway's mappings from main/hl7 shapes to the contract, with a fake Spine client: what
// the hl7 library parsed becomes the sections, nodes and outcomes the screens rely on.
import { describe, expect, it } from 'vitest';
import type { SpineCall, SpineClient } from '../../../main/spine/client';
import { AppError } from '../../../main/api/app-error';
import {
  checkImported,
  composeBlocks,
  createHl7Gateway,
  toContractNodes,
} from '../../../main/clinical/hl7-gateway';
import { AppConfig } from '../../../main/config/schema';
import { silentLogger } from '../../../main/log/logger';

const author = { roleProfileId: '555254240100', userUuid: '555254239107', jobRoleCode: 'S8000:G8000:R8000' };

function fakeSpine(answer: (call: SpineCall) => Promise<string>): SpineClient & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    request: async (call) => {
      calls.push(call.interactionId);
      return { hl7: await answer(call), messageId: 'M', interactionId: call.interactionId };
    },
    enqueue: async () => Promise.reject(new Error('unused')),
    outbox: async () => [],
    close: async () => undefined,
  };
}

const gateway = (spine: SpineClient) =>
  createHl7Gateway({ spine, config: AppConfig.parse({}), log: silentLogger });

describe('hl7 gateway', () => {
  it('reads Spine’s refusals as outcomes: not found, no SCR, dissent', async () => {
    const notFound = gateway(
      fakeSpine(async () => {
        throw new AppError('PATIENT_NOT_FOUND', 'x');
      }),
    );
    expect(await notFound.retrieve('9111231130', author)).toEqual({ kind: 'not-found' });
    const noScr = gateway(
      fakeSpine(async () => {
        throw new AppError('NO_SCR', 'x');
      }),
    );
    expect(await noScr.latestGpSummary('9000000033', 0, author)).toEqual({ kind: 'none' });
    const dissent = gateway(
      fakeSpine(async () => {
        throw new AppError('CONSENT_WITHHELD', 'x');
      }),
    );
    expect(await dissent.latestGpSummary('9990000069', 0, author)).toEqual({ kind: 'withheld' });
  });

  it('passes other Spine failures on unchanged', async () => {
    const down = gateway(
      fakeSpine(async () => {
        throw new AppError('SPINE_UNAVAILABLE', 'down');
      }),
    );
    await expect(down.retrieve('9000000009', author)).rejects.toMatchObject({ code: 'SPINE_UNAVAILABLE' });
  });

  it('HAZ-002 HAZ-003: keeps sub/sup, h5/h6, hr and row/column spans; unwraps the rest and drops other attributes', () => {
    const nodes = toContractNodes([
      {
        kind: 'element',
        tag: 'div',
        attrs: { id: 'x', title: 'y' },
        children: [
          { kind: 'element', tag: 'h6', attrs: {}, children: [{ kind: 'text', text: 'Deep' }] },
          { kind: 'element', tag: 'sup', attrs: {}, children: [{ kind: 'text', text: '2' }] },
          { kind: 'element', tag: 'hr', attrs: {}, children: [] },
          { kind: 'element', tag: 'td', attrs: { rowspan: '2', colspan: '3', id: 'c' }, children: [] },
        ],
      },
    ]);
    expect(nodes).toEqual([
      {
        type: 'element',
        name: 'div',
        children: [
          { type: 'element', name: 'h6', children: [{ type: 'text', text: 'Deep' }] },
          { type: 'element', name: 'sup', children: [{ type: 'text', text: '2' }] },
          { type: 'element', name: 'hr', children: [] },
          { type: 'element', name: 'td', attrs: { rowspan: 2, colspan: 3 }, children: [] },
        ],
      },
    ]);
  });

  it('composes the presentation text a clinician reads, with coded entries only where codes were given', () => {
    const { blocks, entries } = composeBlocks(
      {
        allergies: [],
        noKnownAllergies: true,
        acuteMedication: [{ text: 'Aspirin 75mg', dosage: 'One daily', code: '319770004' }],
        repeatMedication: [{ text: 'Inhaler', dosage: 'Two puffs' }],
        additional: [{ kind: 'risks', text: 'Falls risk' }],
      },
      '2026-11-25',
    );
    expect(blocks).toContainEqual({ kind: 'paragraph', text: 'No known allergies' });
    expect(blocks).toContainEqual({ kind: 'heading', text: 'Risks to patient' });
    expect(entries.map((entry) => entry.kind)).toEqual(['acute']);
  });

  it('refuses an imported document that is not a GP Summary or has a DOCTYPE', () => {
    expect(checkImported('<x/>', '9000000009')[0]?.message).toContain('no GP Summary');
    expect(checkImported('<!DOCTYPE GPSummary [<!ENTITY e "x">]><GPSummary/>', '9000000009')[0]?.field).toBe(
      'document',
    );
    expect(checkImported('<GPSummary xmlns="urn:hl7-org:v3"/>', '9000000009').map((p) => p.field)).toEqual([
      'id',
      'code',
      'statusCode',
      'effectiveTime',
      'recordTarget',
      'author',
      'author',
    ]);
  });
});
