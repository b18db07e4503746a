// `npm run --silent smsp -- card create …` as a trainer or CI script runs it: one JSON line, a
// real SoftHSM2 token with a non-extractable key and a CA-issued certificate under one CKA_ID.
// @peculiar/x509 resolves its ASN.1 schemas through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import * as x509 from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { softhsmAvailable } from '../../smartcard/softhsm';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..', '..', '..');

async function smsp(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'test/tools/smsp.ts', ...args], {
    cwd: root,
    timeout: 60_000,
  });
  return stdout;
}

describe.skipIf(!softhsmAvailable())('card create CLI', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'smsp-card-cli-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('provisions an expired-certificate card, prints one JSON line, and is idempotent', async () => {
    const args = [
      'card',
      'create',
      '--dir',
      dir,
      '--uuid',
      '555000000010',
      '--pin',
      '135790',
      '--name',
      'CLI, Test',
      '--expired',
    ];
    const out = await smsp(args);
    expect(out.trim().split('\n')).toHaveLength(1);
    const card = JSON.parse(out) as Record<string, string>;
    expect(Object.keys(card).sort()).toEqual(['conf', 'label', 'module', 'uuid']);
    expect(card).toMatchObject({
      label: 'CLI, Test',
      uuid: '555000000010',
      conf: join(dir, 'softhsm2.conf'),
    });

    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', SOFTHSM2_CONF: card.conf ?? '' };
    const tool = (extra: string[]) =>
      run('pkcs11-tool', ['--module', card.module ?? '', '--token-label', 'CLI, Test', ...extra], { env });
    const listing = (await tool(['--login', '--pin', '135790', '--list-objects'])).stdout;
    const privateKey = /Private Key Object[\s\S]*?Access:\s*(.*)/.exec(listing)?.[1] ?? '';
    expect(privateKey).toContain('never extractable');
    expect(privateKey).toContain('sensitive');
    const certFile = join(dir, 'cert.der');
    await tool(['--read-object', '--type', 'cert', '--id', '01', '-o', certFile]);
    const cert = new X509Certificate(await readFile(certFile));
    expect(cert.subject.split('\n')).toEqual(['O=nhs', 'OU=people', 'CN=555000000010']);
    expect(Date.parse(cert.validTo)).toBeLessThan(Date.now());
    const parsed = new x509.X509Certificate(await readFile(certFile));
    expect(parsed.getExtension(x509.KeyUsagesExtension)?.usages).toBe(x509.KeyUsageFlags.digitalSignature);
    expect(cert.checkIssued(new X509Certificate(await readFile(join(dir, 'ca', 'ca.pem'))))).toBe(true);

    // Again: same card, not a second token.
    expect(JSON.parse(await smsp(args))).toEqual(card);
    const slots = (await run('pkcs11-tool', ['--module', card.module ?? '', '--list-token-slots'], { env }))
      .stdout;
    expect(slots.match(/token label\s*:\s*CLI, Test/g)).toHaveLength(1);
  });

  it('refuses a malformed UUID or PIN with a message and a non-zero exit', async () => {
    await expect(
      smsp(['card', 'create', '--dir', dir, '--uuid', '123', '--pin', '135790']),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('12 digits'),
    });
    await expect(
      smsp(['card', 'create', '--dir', dir, '--uuid', '555000000011', '--pin', '12']),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('6 to 8 digits') });
  });
});
