// The outbox store: encrypted at rest with its own key file (0600, refused when wider), rows
// survive reopening with their MessageId, and nothing of the payload is readable in the file.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openOutbox } from '../../../main/spine/outbox';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spine-outbox-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const message = (messageId: string) => ({
  interactionId: 'REPC_IN150016UK05',
  messageId,
  conversationId: messageId,
  nhsNumber: '9000000009',
  hl7: '<REPC_IN150016UK05><family>Smith-Patientname</family></REPC_IN150016UK05>',
  wireContentType: 'multipart/related; boundary="--=_MIME-Boundary"',
  wireBody: '----=_MIME-Boundary\r\n<family>Smith-Patientname</family>',
  persistDurationMs: 300_000,
  now: new Date('2026-11-25T12:00:00.000Z'),
});

describe('outbox store', () => {
  it('creates its key file owner-only and keeps rows across reopening', () => {
    const first = openOutbox({ dataDir: dir });
    const stored = first.insert(message('6A1C3F4E-2B7D-4C8E-9F01-23456789ABCD'));
    first.update(stored.id, { state: 'sent', attemptsDelta: 1 });
    first.close();
    expect(statSync(join(dir, 'outbox.key')).mode & 0o777).toBe(0o600);

    const second = openOutbox({ dataDir: dir });
    try {
      const again = second.byMessageId('6A1C3F4E-2B7D-4C8E-9F01-23456789ABCD');
      expect(again).toMatchObject({
        id: stored.id,
        state: 'sent',
        attempts: 1,
        conversationId: stored.messageId,
      });
      expect(again?.expiresAt).toBe('2026-11-25T12:05:00.000Z');
      expect(second.unfinished().map((r) => r.id)).toEqual([stored.id]);
    } finally {
      second.close();
    }
  });

  it('deletes finished messages past retention and keeps unfinished ones whatever their age', () => {
    const store = openOutbox({ dataDir: dir });
    try {
      const old = new Date('2026-01-01T00:00:00.000Z');
      const done = store.insert(message('9D4F6C7B-5EA0-4FB1-8C34-56789ABCDEF0'));
      store.update(done.id, { state: 'acknowledged' }, old);
      const waiting = store.insert(message('AE507D8C-6FB1-4AC2-9D45-6789ABCDEF01'));
      store.update(waiting.id, { state: 'accepted' }, old);
      const recent = store.insert(message('BF618E9D-7AC2-4BD3-8E56-789ABCDEF012'));
      store.update(recent.id, { state: 'rejected' }, new Date('2026-11-24T00:00:00.000Z'));
      expect(store.prune(new Date('2026-10-26T00:00:00.000Z'))).toBe(1);
      expect(
        store
          .list()
          .map((r) => r.id)
          .sort(),
      ).toEqual([waiting.id, recent.id].sort());
    } finally {
      store.close();
    }
  });

  it('holds no readable patient data on disk', () => {
    const store = openOutbox({ dataDir: dir });
    store.insert(message('7B2D4A5F-3C8E-4D9F-8A12-3456789ABCDE'));
    store.close();
    for (const file of ['outbox.db', 'outbox.db-wal']) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(join(dir, file));
      } catch {
        continue;
      }
      expect(bytes.includes('9000000009')).toBe(false);
      expect(bytes.includes('Smith-Patientname')).toBe(false);
      expect(bytes.includes('SQLite format 3')).toBe(false);
    }
  });

  it('refuses a key file that others can read', () => {
    openOutbox({ dataDir: dir }).close();
    chmodSync(join(dir, 'outbox.key'), 0o644);
    expect(() => openOutbox({ dataDir: dir })).toThrow(/permissions 644/);
  });

  it('refuses to open with another key and leaves the file untouched', () => {
    const store = openOutbox({ dataDir: dir });
    store.insert(message('8C3E5B6A-4D9F-4EA0-9B23-456789ABCDEF'));
    store.close();
    const before = readFileSync(join(dir, 'outbox.db'));
    expect(() => openOutbox({ dataDir: dir, key: Buffer.alloc(32, 7) })).toThrow(
      /cannot be read with this key/,
    );
    expect(readFileSync(join(dir, 'outbox.db')).equals(before)).toBe(true);
  });
});
