// The logger never writes patient identifiers, PINs or keys.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../main/log/logger';

describe('logger redaction', () => {
  it('removes NHS numbers, names, PINs and keys from messages and fields', () => {
    const lines: string[] = [];
    const log = createLogger({ write: (line) => lines.push(line) });
    log.info('retrieved 943 476 5919 and 9434765919', {
      nhsNumber: '9434765919',
      patient: { family: 'SMITH', given: ['Jane'], birthDate: '1970-01-01' },
      pin: '123456',
      dbKey: Buffer.from('00112233', 'hex'),
      note: 'searched for 9434765870',
      interactionId: 'QUPA_IN000008UK02',
    });
    const text = lines.join('\n');
    for (const secret of [
      '9434765919',
      '943 476 5919',
      'SMITH',
      'Jane',
      '1970-01-01',
      '123456',
      '00112233',
      '9434765870',
    ]) {
      expect(text, secret).not.toContain(secret);
    }
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      level: 'info',
      interactionId: 'QUPA_IN000008UK02',
      pin: '[secret]',
    });
  });

  it('respects the level', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'warn', write: (line) => lines.push(line) });
    log.info('quiet');
    log.warn('loud');
    expect(lines).toHaveLength(1);
  });
});
