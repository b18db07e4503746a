// Export bundles and the offline verifier: an intact bundle verifies; every kind of tampering
// (changed, missing, reordered, extra, manifest mismatch, bad signature) is reported with the
// first bad line and why; a bundle signed by a key not trusted is intact but not trusted.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainHash, type AuditEntry } from '../../../main/audit/entry';
import { exportBundle } from '../../../main/audit/export';
import { fromAuditEvent, toAuditEvent } from '../../../main/audit/fhir';
import { signManifest, type Manifest } from '../../../main/audit/manifest';
import { signingKeyFromSeed } from '../../../main/audit/signing-key';
import { seedEntries } from '../../../main/audit/seed';
import { AuditStore } from '../../../main/audit/store';
import { parallelIntact, verifyBundle } from '../../../main/audit/verify';
import { checkChunk } from '../../../main/audit/verify-worker';

const root = resolve(import.meta.dirname, '..', '..', '..');
let dir: string;
let bundle: string;
const signingKey = signingKeyFromSeed(randomBytes(32));
const fingerprint = signingKey.fingerprint;
const key = randomBytes(32);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'smsp-export-'));
  const store = AuditStore.open(join(dir, 'audit.db'), key);
  for (const batch of seedEntries({ entries: 40, workstation: 'PHARM-01', asid: '200000001234' })) {
    store.append(batch);
  }
  bundle = join(dir, 'bundle');
  const summary = exportBundle(store, {
    dir: bundle,
    range: {},
    workstation: 'PHARM-01',
    exportedBy: { userUuid: '555021939111', displayName: 'GOVERNANCE, Sam', roleProfileId: '555021940112' },
    signingKey,
  });
  expect(summary).toMatchObject({ entries: 40, firstSequence: 1, lastSequence: 40 });
  expect(summary.keyFingerprint).toBe(fingerprint);
  store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let copies = 0;
function tampered(
  edit: (files: { lines: string[]; manifest: Manifest }) => { lines?: string[]; manifest?: Manifest },
): string {
  copies += 1;
  const copy = join(dir, `copy-${copies}`);
  cpSync(bundle, copy, { recursive: true });
  const lines = readFileSync(join(copy, 'audit.ndjson'), 'utf8').trimEnd().split('\n');
  const manifest = JSON.parse(readFileSync(join(copy, 'manifest.json'), 'utf8')) as Manifest;
  const out = edit({ lines, manifest });
  if (out.lines) writeFileSync(join(copy, 'audit.ndjson'), `${out.lines.join('\n')}\n`);
  if (out.manifest) writeFileSync(join(copy, 'manifest.json'), JSON.stringify(out.manifest));
  return copy;
}

const entryAt = (lines: string[], index: number): AuditEntry =>
  fromAuditEvent(JSON.parse(lines[index] as string));
const lineOf = (entry: AuditEntry): string => JSON.stringify(toAuditEvent(entry));
const resign = (manifest: Manifest, changes: Partial<Manifest>): Manifest => {
  const { signature: _s, ...body } = { ...manifest, ...changes };
  void _s;
  return signManifest(body, signingKey);
};

describe('audit export and verify', () => {
  it('verifies an intact bundle, trusting its fingerprint', async () => {
    expect(await verifyBundle(bundle, { trusted: [fingerprint] })).toMatchObject({
      intact: true,
      trusted: true,
      entries: 40,
      firstSequence: 1,
      lastSequence: 40,
    });
  });

  it('prints the signer and "valid: N entries, seq A..B", exits 0 from the command line, exits 1 naming the bad line', () => {
    const smsp = (args: string[]) => {
      try {
        return {
          code: 0,
          out: execFileSync('npx', ['tsx', 'test/tools/smsp.ts', 'audit', ...args], { cwd: root }).toString(),
        };
      } catch (error) {
        const e = error as { status: number; stdout: Buffer };
        return { code: e.status, out: e.stdout.toString() };
      }
    };
    expect(smsp(['verify', bundle, '--trust', fingerprint])).toEqual({
      code: 0,
      out: `signer: ${fingerprint} workstation: PHARM-01 key: ${fingerprint.slice(0, 16)}\nvalid: 40 entries, seq 1..40\n`,
    });
    const broken = tampered(({ lines }) => ({
      lines: lines.map((l, i) => (i === 6 ? l.replace('PHARM-01', 'PHARM-02') : l)),
    }));
    const result = smsp(['verify', broken]);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(
      /^signer: [0-9a-f]{64} workstation: PHARM-01 key: [0-9a-f]{16}\ninvalid: audit\.ndjson:7: changed: /,
    );
  });

  it('names a changed line', async () => {
    const copy = tampered(({ lines }) => ({
      lines: lines.map((l, i) =>
        i === 9 ? lineOf({ ...entryAt(lines, 9), displayName: 'SOMEONE, Else' }) : l,
      ),
    }));
    expect(await verifyBundle(copy)).toMatchObject({
      intact: false,
      problems: [{ problem: 'changed', where: 'audit.ndjson:10' }],
    });
  });

  it('names a changed line whose hash was recomputed', async () => {
    const copy = tampered(({ lines }) => {
      const altered = { ...entryAt(lines, 9), nhsNumber: '9990281025' };
      return { lines: lines.map((l, i) => (i === 9 ? lineOf({ ...altered, hash: chainHash(altered) }) : l)) };
    });
    expect(await verifyBundle(copy)).toMatchObject({
      intact: false,
      problems: [{ problem: 'changed', where: 'audit.ndjson:10' }],
    });
  });

  it('detects a line that is not an AuditEvent', async () => {
    const copy = tampered(({ lines }) => ({
      lines: lines.map((l, i) => (i === 3 ? '{"resourceType":' : l)),
    }));
    expect(await verifyBundle(copy)).toMatchObject({
      intact: false,
      problems: [{ problem: 'changed', where: 'audit.ndjson:4' }],
    });
  });

  it('detects a missing line in the middle and at the end', async () => {
    const middle = tampered(({ lines }) => ({ lines: lines.filter((_, i) => i !== 19) }));
    const result = await verifyBundle(middle);
    expect(result).toMatchObject({
      intact: false,
      problems: [{ problem: 'missing', where: 'audit.ndjson:20' }],
    });
    expect(result.problems[0]?.reason).toMatch(/seq 20 is missing/);
    const end = tampered(({ lines }) => ({ lines: lines.slice(0, -1) }));
    expect(await verifyBundle(end)).toMatchObject({
      intact: false,
      problems: [{ problem: 'missing', where: 'audit.ndjson:40' }],
    });
  });

  it('detects reordered lines', async () => {
    const copy = tampered(({ lines }) => {
      const swapped = [...lines];
      [swapped[14], swapped[15]] = [lines[15] as string, lines[14] as string];
      return { lines: swapped };
    });
    const result = await verifyBundle(copy);
    expect(result).toMatchObject({
      intact: false,
      problems: [{ problem: 'reordered', where: 'audit.ndjson:15' }],
    });
    expect(result.problems[0]?.reason).toMatch(/seq 15 is at line 16/);
  });

  it('detects an extra line, repeated or appended with a valid hash', async () => {
    const repeated = tampered(({ lines }) => ({
      lines: [...lines.slice(0, 11), lines[10] as string, ...lines.slice(11)],
    }));
    expect(await verifyBundle(repeated)).toMatchObject({
      intact: false,
      problems: [{ problem: 'extra', where: 'audit.ndjson:12' }],
    });
    const appended = tampered(({ lines }) => {
      const last = entryAt(lines, lines.length - 1);
      const forged = { ...last, sequence: last.sequence + 1, prevHash: last.hash, type: 'session.logout' };
      return { lines: [...lines, lineOf({ ...forged, hash: chainHash(forged) })] };
    });
    expect(await verifyBundle(appended)).toMatchObject({
      intact: false,
      problems: [{ problem: 'extra', where: 'audit.ndjson:41' }],
    });
  });

  it('detects a manifest that does not belong to the lines, even when properly signed', async () => {
    const copy = tampered(({ manifest }) => ({
      manifest: resign(manifest, { previousHash: 'a'.repeat(64) }),
    }));
    expect(await verifyBundle(copy)).toMatchObject({
      intact: false,
      problems: [{ problem: 'manifest mismatch', where: 'audit.ndjson:1' }],
    });
  });

  it('detects an edited manifest (bad signature)', async () => {
    const copy = tampered(({ manifest }) => ({ manifest: { ...manifest, entries: 39, lastSequence: 39 } }));
    expect(await verifyBundle(copy)).toMatchObject({
      intact: false,
      problems: [{ problem: 'bad signature', where: 'manifest.json' }],
    });
  });

  it('reports a bundle re-signed with another key as intact but not trusted, naming the other signer', async () => {
    const other = signingKeyFromSeed(randomBytes(32));
    const copy = tampered(({ manifest }) => {
      const { signature: _s, ...body } = manifest;
      void _s;
      return {
        manifest: signManifest(
          {
            ...body,
            publicKey: other.publicSpki.toString('base64'),
            keyFingerprint: other.fingerprint,
            keyId: other.keyId,
          },
          other,
        ),
      };
    });
    expect(await verifyBundle(copy, { trusted: [fingerprint] })).toMatchObject({
      intact: true,
      trusted: false,
      signer: { fingerprint: other.fingerprint, workstation: 'PHARM-01', keyId: other.keyId },
      problems: [],
    });
  });

  it('passes the parallel fast path only for the exact exported bytes', async () => {
    const check = (copy: string) =>
      parallelIntact(
        join(copy, 'audit.ndjson'),
        JSON.parse(readFileSync(join(copy, 'manifest.json'), 'utf8')) as Manifest,
        { minBytes: 0, threads: 3 },
      );
    expect(await check(bundle)).toBe(true);
    const changed = tampered(({ lines }) => ({
      lines: lines.map((l, i) => (i === 30 ? lineOf({ ...entryAt(lines, 30), outcome: 'failure' }) : l)),
    }));
    expect(await check(changed)).toBe(false);
    const rehashed = tampered(({ lines }) => {
      const altered = { ...entryAt(lines, 25), displayName: 'X' };
      return {
        lines: lines.map((l, i) => (i === 25 ? lineOf({ ...altered, hash: chainHash(altered) }) : l)),
      };
    });
    expect(await check(rehashed)).toBe(false);
    // Same entries, different bytes (a space after each line): only the digest can tell.
    const respaced = tampered(({ lines }) => ({ lines: lines.map((l) => `${l} `) }));
    expect(await check(respaced)).toBe(false);
    expect(await verifyBundle(respaced)).toMatchObject({
      intact: false,
      problems: [{ problem: 'manifest mismatch', where: 'audit.ndjson' }],
    });
  });

  it('names a line whose JSON says more than the exported layout (a repeated key), even with the digests re-signed', async () => {
    // JSON.parse reads the last of two keys: the line shows another user than the one its hash
    // was made from, after everything the exporter writes. Re-signing the new digest leaves the line check alone to say so, on both
    // the parallel path and the walk.
    const copy = tampered(({ lines, manifest }) => {
      const changed = lines.map((l, i) =>
        i === 12 ? `${l.slice(0, -1)},"agent":[{"who":{"display":"SOMEONE, Else"},"requestor":true}]}` : l,
      );
      const text = `${changed.join('\n')}\n`;
      const digest = {
        sha256: createHash('sha256').update(text).digest('hex'),
        bytes: Buffer.byteLength(text),
      };
      return {
        lines: changed,
        manifest: resign(manifest, { files: { ...manifest.files, 'audit.ndjson': digest } }),
      };
    });
    expect(entryAt(readFileSync(join(copy, 'audit.ndjson'), 'utf8').split('\n'), 12).displayName).toBe(
      'SOMEONE, Else',
    );
    const manifest = JSON.parse(readFileSync(join(copy, 'manifest.json'), 'utf8')) as Manifest;
    expect(await parallelIntact(join(copy, 'audit.ndjson'), manifest, { minBytes: 0, threads: 2 })).toBe(
      false,
    );
    expect(await verifyBundle(copy, { trusted: [fingerprint] })).toMatchObject({
      intact: false,
      problems: [{ problem: 'changed', where: 'audit.ndjson:13' }],
    });
  });

  it('splits the file into ranges that together hold every line exactly once', async () => {
    const file = join(bundle, 'audit.ndjson');
    const bytes = readFileSync(file);
    const boundaries: number[] = [];
    for (let i = bytes.indexOf(10); i !== -1 && boundaries.length < 4; i = bytes.indexOf(10, i + 1))
      boundaries.push(i);
    const splits = boundaries
      .flatMap((b) => [b - 1, b, b + 1, b + 2])
      .concat([1, bytes.length - 1, bytes.length]);
    for (const k of splits) {
      const a = await checkChunk({ file, start: 0, end: k });
      const b = await checkChunk({ file, start: k, end: bytes.length });
      expect(a.ok && b.ok, `split at ${k}`).toBe(true);
      expect((a.ok ? a.lines : 0) + (b.ok ? b.lines : 0), `split at ${k}`).toBe(40);
    }
  });

  it('reads lines longer than a read block and lines across blocks, on the walk and in parallel', async () => {
    // The verifier reads audit.ndjson in blocks of about 100 KB: a 300 KB line, and lines of
    // every size around the block boundary, must each be read whole and exactly once.
    const store = AuditStore.open(join(dir, 'long-lines.db'), key);
    try {
      const entries = [...seedEntries({ entries: 60, workstation: 'PHARM-01', asid: null })].flat();
      store.append(
        entries.map((e, i) => ({
          ...e,
          detail: `{"note":"${'x'.repeat(i === 7 ? 300_000 : (i * 7919) % 40_000)}"}`,
        })),
      );
      const out = join(dir, 'long-lines');
      exportBundle(store, { dir: out, range: {}, workstation: 'PHARM-01', exportedBy: null, signingKey });
      const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
      for (const threads of [2, 3]) {
        expect(await parallelIntact(join(out, 'audit.ndjson'), manifest, { minBytes: 0, threads })).toBe(
          true,
        );
      }
      expect(await verifyBundle(out, { trusted: [fingerprint] })).toMatchObject({
        intact: true,
        entries: 60,
      });
      const changed = join(dir, 'long-lines-changed');
      cpSync(out, changed, { recursive: true });
      const file = join(changed, 'audit.ndjson');
      const lines = readFileSync(file, 'utf8').split('\n');
      lines[7] = (lines[7] as string).replace('xxxxx', 'xxxxy');
      writeFileSync(file, lines.join('\n'));
      expect(await verifyBundle(changed)).toMatchObject({
        intact: false,
        problems: [{ problem: 'changed', where: 'audit.ndjson:8' }],
      });
    } finally {
      store.close();
    }
  });

  it('detects a changed CSV', async () => {
    copies += 1;
    const copy = join(dir, `copy-${copies}`);
    cpSync(bundle, copy, { recursive: true });
    const csv = readFileSync(join(copy, 'audit.csv'), 'utf8');
    writeFileSync(join(copy, 'audit.csv'), csv.replace('LOCUM', 'LOCAL'));
    expect(await verifyBundle(copy)).toMatchObject({
      intact: false,
      problems: [{ problem: 'changed', where: 'audit.csv' }],
    });
  });

  it('exports only the requested time range, verifiable on its own', async () => {
    const store = AuditStore.open(join(dir, 'audit.db'), key);
    try {
      const all = [...store.entries({})];
      const from = all[10]?.at;
      const to = all[20]?.at;
      const out = join(dir, 'range');
      const summary = exportBundle(store, {
        dir: out,
        range: { from, to },
        workstation: 'PHARM-01',
        exportedBy: null,
        signingKey,
      });
      expect(summary).toMatchObject({ entries: 10, firstSequence: 11, lastSequence: 20 });
      expect(await verifyBundle(out, { trusted: [fingerprint] })).toMatchObject({
        intact: true,
        trusted: true,
        entries: 10,
      });
      const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
      expect(manifest.previousHash).toBe(all[9]?.hash);
      expect(() =>
        exportBundle(store, { dir: out, range: {}, workstation: 'PHARM-01', exportedBy: null, signingKey }),
      ).toThrow(/not empty/);
    } finally {
      store.close();
    }
  });
});
