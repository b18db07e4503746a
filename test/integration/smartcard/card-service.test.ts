// The card service against real SoftHSM2 tokens: cards go in and out of the reader by moving
// their token folders into and out of the tokendir the monitor process sees (no JS flags).
import { X509Certificate, verify } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CardError, type CardEvent } from '../../../native/pkcs11/card-service';
import { startCardService, type Pkcs11CardService } from '../../../native/pkcs11/start';
import { createCard, provisionTrainingCards, type TrainingCards } from '../../smartcard/cards';
import { softhsmAvailable, softhsmModule } from '../../smartcard/softhsm';
import { waitForCardEvent } from './card-events';

const eventDeadlineMs = 3_000;

async function rejection(promise: Promise<unknown>): Promise<CardError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CardError) return error;
    throw error;
  }
  throw new Error('expected a CardError');
}

describe.skipIf(!softhsmAvailable())('card service on SoftHSM2', () => {
  let dir: string;
  let set: TrainingCards;
  let service: Pkcs11CardService;
  const seen: CardEvent[] = [];

  const waitFor = (type: CardEvent['type'], label: string) =>
    waitForCardEvent(service, type, label, eventDeadlineMs);

  async function insert(id: string, label: string) {
    const event = waitFor('inserted', label);
    await rename(join(set.cardsDir, id), join(set.storeDir, id));
    return event;
  }

  async function remove(id: string, label: string) {
    const event = waitFor('removed', label);
    await rename(join(set.storeDir, id), join(set.cardsDir, id));
    return event;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'smsp-cards-'));
    set = await provisionTrainingCards(dir);
    service = await startCardService({
      modules: [softhsmModule],
      module: softhsmModule,
      env: { SOFTHSM2_CONF: set.conf },
      pollMs: 100,
      pingMs: 200,
    });
    service.onEvent((e) => seen.push(e));
  });

  afterAll(async () => {
    await service?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('sees no card until one is inserted (the empty SoftHSM slot is not a card)', () => {
    expect(service.tokens()).toEqual([]);
  });

  it('logs in with the right PIN, returns the certificate with CN = SDS UUID, signs, and zeroes the PIN', async () => {
    const { token } = await insert('555000000001', 'PHARMACIST, Test');
    expect(service.tokens().map((t) => t.label)).toEqual(['PHARMACIST, Test']);
    const pin = Buffer.from('123456');
    const login = await service.login(token, pin);
    expect([...pin].every((b) => b === 0)).toBe(true);
    const cert = new X509Certificate(login.certificateDer);
    expect(cert.subject).toContain('CN=555000000001');
    expect(cert.subject).toContain('OU=people');
    expect(cert.issuer).toContain('O=nhs');
    expect(cert.checkIssued(new X509Certificate(await readFile(set.caCertFile)))).toBe(true);
    const challenge = Buffer.from('challenge from the identity service');
    const signature = await service.sign(challenge);
    expect(verify('sha256', challenge, cert.publicKey, signature)).toBe(true);
    await service.logout();
    await remove('555000000001', 'PHARMACIST, Test');
  });

  it('refuses a wrong PIN with PIN_INCORRECT and what the token says about tries, and zeroes it', async () => {
    const { token } = await insert('555000000002', 'GENERALPRACTICE, Test');
    const pin = Buffer.from('999999');
    const error = await rejection(service.login(token, pin));
    expect(error.code).toBe('PIN_INCORRECT');
    // SoftHSM2 raises CKF_USER_PIN_COUNT_LOW after a failure (toolchain.md).
    expect(error.triesRemaining).toBe('low');
    expect([...pin].every((b) => b === 0)).toBe(true);
    // Signing without a login is refused, not silently done with a stale key.
    expect((await rejection(service.sign(Buffer.from('x')))).code).toBe('CARD_ABSENT');
    const ok = await service.login(token, Buffer.from('234567'));
    expect(new X509Certificate(ok.certificateDer).subject).toContain('CN=555000000002');
    await service.logout();
    await remove('555000000002', 'GENERALPRACTICE, Test');
  });

  it('never reports a card in the reader as removed while logins rewrite its token files', async () => {
    // Regression: SoftHSM2 rewrites token.object on login; a monitor scan at that moment skipped
    // the token, which looked like a removal and would have locked the session.
    const { token } = await insert('555000000005', 'LOCUM, Test');
    const removals: CardEvent[] = [];
    const off = service.onEvent((e) => {
      if (e.type === 'removed') removals.push(e);
    });
    try {
      for (let i = 0; i < 100; i += 1) await service.login(token, Buffer.from('567890'));
    } finally {
      off();
    }
    expect(removals).toEqual([]);
    await service.logout();
    await remove('555000000005', 'LOCUM, Test');
  });

  it('refuses a PIN that is not 6–8 digits before it reaches the card', async () => {
    const { token } = await insert('555000000003', 'GOVERNANCE, Test');
    const pin = Buffer.from('34a678');
    expect((await rejection(service.login(token, pin))).code).toBe('PIN_FORMAT');
    expect([...pin].every((b) => b === 0)).toBe(true);
    await remove('555000000003', 'GOVERNANCE, Test');
  });

  it('refuses an expired certificate with CERTIFICATE_EXPIRED', async () => {
    const { token } = await insert('555000000006', 'EXPIRED, Test');
    const pin = Buffer.from('678901');
    expect((await rejection(service.login(token, pin))).code).toBe('CERTIFICATE_EXPIRED');
    expect([...pin].every((b) => b === 0)).toBe(true);
    await remove('555000000006', 'EXPIRED, Test');
  });

  it('reports removal of the logged-in card and refuses to sign with CARD_REMOVED', async () => {
    const { token, ms: insertMs } = await insert('555000000004', 'NOROLES, Test');
    await service.login(token, Buffer.from('456789'));
    const { ms: removeMs } = await remove('555000000004', 'NOROLES, Test');
    expect(insertMs).toBeLessThan(eventDeadlineMs);
    expect(removeMs).toBeLessThan(eventDeadlineMs);
    expect((await rejection(service.sign(Buffer.from('x')))).code).toBe('CARD_REMOVED');
    expect(service.tokens()).toEqual([]);
  });

  it('refuses a card with a key but no certificate with NO_CERTIFICATE', async () => {
    const made = await createCard({
      dir: join(dir, 'workshop'),
      uuid: '555000000009',
      pin: '909090',
      name: 'NOCERT, Test',
      caDir: join(dir, 'ca'),
      withoutCertificate: true,
    });
    await rename(made.tokenDir, join(set.cardsDir, 'nocert'));
    const { token } = await insert('nocert', 'NOCERT, Test');
    expect((await rejection(service.login(token, Buffer.from('909090')))).code).toBe('NO_CERTIFICATE');
    await remove('nocert', 'NOCERT, Test');
  });

  it('restarts a killed session process: the lost login says CARD_MODULE_FAILED, the next login works', async () => {
    const { token } = await insert('555000000005', 'LOCUM, Test');
    await service.login(token, Buffer.from('567890'));
    const before = service.pids().session;
    expect(before).toBeTypeOf('number');
    process.kill(before as number, 'SIGKILL');
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline) {
      const pid = service.pids().session;
      if (pid !== undefined && pid !== before && service.status().session.state === 'ready') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(service.pids().session).not.toBe(before);
    expect((await rejection(service.sign(Buffer.from('x')))).code).toBe('CARD_MODULE_FAILED');
    const login = await service.login(token, Buffer.from('567890'));
    expect(new X509Certificate(login.certificateDer).subject).toContain('CN=555000000005');
    await service.logout();
    await remove('555000000005', 'LOCUM, Test');
  });

  it('kills and replaces a session process that stops answering (a deadlocked module)', async () => {
    const watched = await startCardService({
      modules: [softhsmModule],
      module: softhsmModule,
      env: { SOFTHSM2_CONF: set.conf },
      pollMs: 100,
      // Long enough for the replacement process's own login on a loaded 2-core machine (an 800 ms
      // deadline failed there at load 15+); a stopped process would otherwise hang the call forever.
      callTimeoutMs: 2_000,
      pingMs: 100,
    });
    try {
      const { token } = await insert('555000000003', 'GOVERNANCE, Test');
      const frozen = watched.pids().session as number;
      process.kill(frozen, 'SIGSTOP'); // alive but silent, like a module stuck in a call
      const started = Date.now();
      const error = await rejection(watched.login(token, Buffer.from('345678')));
      expect(error.code).toBe('CARD_MODULE_FAILED');
      expect(Date.now() - started).toBeLessThan(6_000);
      const login = await watched.login(token, Buffer.from('345678'));
      expect(new X509Certificate(login.certificateDer).subject).toContain('CN=555000000003');
      expect(watched.pids().session).not.toBe(frozen);
      await remove('555000000003', 'GOVERNANCE, Test');
    } finally {
      await watched.close();
    }
  });

  it('restarts a killed monitor process and still sees cards come and go', async () => {
    const before = service.pids().monitor;
    process.kill(before as number, 'SIGKILL');
    const { token } = await insert('555000000001', 'PHARMACIST, Test');
    expect(service.pids().monitor).not.toBe(before);
    expect(token.label).toBe('PHARMACIST, Test');
    await remove('555000000001', 'PHARMACIST, Test');
  });
});

describe.skipIf(!softhsmAvailable())('module allow-list', () => {
  it('refuses a module off the allow-list (even a byte-identical copy) and reports one that will not load', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'smsp-allow-'));
    try {
      const copy = join(dir, 'libsofthsm2.so');
      await copyFile(softhsmModule, copy);
      const refused = await rejection(startCardService({ modules: [softhsmModule], module: copy }));
      expect(refused.code).toBe('CARD_MODULE_FAILED');
      const other = await rejection(
        startCardService({ modules: ['/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so'], module: softhsmModule }),
      );
      expect(other.code).toBe('CARD_MODULE_FAILED');
      expect(other.ckr).toBe('module not in allow-list');

      // Allow-listed but not a PKCS#11 library: the process cannot load it, the watchdog retries
      // a bounded number of times, then start-up fails with CARD_MODULE_FAILED.
      const broken = join(dir, 'broken-pkcs11.so');
      await writeFile(broken, 'not a shared object');
      const started = Date.now();
      const failed = await rejection(startCardService({ modules: [broken], module: broken, maxRestarts: 1 }));
      expect(failed.code).toBe('CARD_MODULE_FAILED');
      expect(failed.ckr).toMatch(/gave up after 1 restarts/);
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
