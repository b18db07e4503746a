// Issue 12 finding 6: a crafted OPENSSL_CONF (it can load an engine, a shared library, into
// OpenSSL) must reach neither PKCS#11 process — the monitor nor the session worker that handles
// the PIN — whether it comes from the configuration or from main's own environment. Real SoftHSM2,
// real child processes, their environment read back from /proc.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CardError } from '../../../native/pkcs11/card-service';
import { startCardService, type Pkcs11CardService } from '../../../native/pkcs11/start';
import { ensureConf, softhsmAvailable, softhsmModule } from '../../smartcard/softhsm';

const environOf = (pid: number | undefined): Map<string, string> =>
  new Map(
    readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );

describe.skipIf(!softhsmAvailable() || process.platform !== 'linux')('PKCS#11 process environment', () => {
  let dir: string;
  let conf: string;
  let crafted: string;
  let service: Pkcs11CardService | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'smsp-module-env-'));
    conf = join(dir, 'softhsm2.conf');
    await ensureConf(conf, join(dir, 'tokens'));
    crafted = join(dir, 'openssl.cnf');
    await writeFile(
      crafted,
      'openssl_conf = init\n[init]\nengines = engines\n[engines]\nevil = evil\n[evil]\ndynamic_path = ' +
        join(dir, 'evil.so') +
        '\ninit = 1\n',
    );
  });

  afterAll(async () => {
    await service?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('finding 6: refuses smartcard.env.OPENSSL_CONF for the SoftHSM2 module, naming the key', async () => {
    const started = startCardService({
      modules: [softhsmModule],
      module: softhsmModule,
      env: { SOFTHSM2_CONF: conf, OPENSSL_CONF: crafted },
    });
    await expect(started).rejects.toBeInstanceOf(CardError);
    await expect(started).rejects.toThrow(
      /environment OPENSSL_CONF is not passed to the PKCS#11 module libsofthsm2\.so: only SOFTHSM2_CONF/,
    );
  });

  it("finding 6: main's own OPENSSL_CONF is not inherited; only SOFTHSM2_CONF and the basics arrive", async () => {
    process.env['OPENSSL_CONF'] = crafted;
    try {
      service = await startCardService({
        modules: [softhsmModule],
        module: softhsmModule,
        env: { SOFTHSM2_CONF: conf },
        pollMs: 100,
      });
    } finally {
      delete process.env['OPENSSL_CONF'];
    }
    const { monitor, session } = service.pids();
    for (const pid of [monitor, session]) {
      const environ = environOf(pid);
      expect(environ.has('OPENSSL_CONF')).toBe(false);
      expect(environ.get('SOFTHSM2_CONF')).toBe(conf);
      // Nothing else from main's environment: the basics, the module's variable, Node's IPC channel.
      const extra = [...environ.keys()].filter(
        (key) => !['PATH', 'HOME', 'LANG', 'TMPDIR', 'PCSCLITE_CSOCK_NAME', 'SOFTHSM2_CONF'].includes(key),
      );
      expect(extra.filter((key) => !key.startsWith('NODE_CHANNEL_'))).toEqual([]);
    }
  });
});
