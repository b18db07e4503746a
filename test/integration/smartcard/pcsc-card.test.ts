// The card service over the PC/SC path: a private pcscd with a vsmartcard-vpcd reader, OpenSC's
// PKCS#11 module, and virtual PIV cards (test/smartcard/piv-card.ts). This is where a PIN really
// locks (SoftHSM2 never locks one) and where insert/remove are reader events.
import { X509Certificate, verify } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CardError, type CardEvent } from '../../../native/pkcs11/card-service';
import { startCardService, type Pkcs11CardService } from '../../../native/pkcs11/start';
import {
  openscModule,
  pcscUnavailable,
  startPrivatePcsc,
  type PrivatePcsc,
  type VirtualCard,
} from '../../smartcard/pcsc';
import { waitForCardEvent } from './card-events';

const unavailable = pcscUnavailable();
/** toolchain.md measured ≈ 2 s for insertion and ≈ 0.3 s for removal at a 250 ms poll. */
const eventDeadlineMs = 10_000;

async function rejection(promise: Promise<unknown>): Promise<CardError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CardError) return error;
    throw error;
  }
  throw new Error('expected a CardError');
}

describe.skipIf(unavailable !== null)(
  `PC/SC virtual PIV cards through OpenSC${unavailable ? ` — skipped: ${unavailable}` : ''}`,
  () => {
    let dir: string;
    let pcsc: PrivatePcsc;
    let service: Pkcs11CardService;
    let alice: VirtualCard;
    let locked: VirtualCard;

    const waitFor = (type: CardEvent['type'], label: string) =>
      waitForCardEvent(service, type, label, eventDeadlineMs);

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'smsp-pcsc-'));
      pcsc = await startPrivatePcsc(dir);
      [alice, locked] = await Promise.all([
        pcsc.startCard({ uuid: '555000000007', pin: '111111', caDir: join(dir, 'ca') }),
        pcsc.startCard({ uuid: '555000000008', pin: '222222', caDir: join(dir, 'ca') }),
      ]);
      service = await startCardService({
        modules: [openscModule],
        module: openscModule,
        env: pcsc.env,
        pollMs: 250,
      });
    });

    afterAll(async () => {
      await service?.close();
      await pcsc?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('sees the card arrive, logs in, signs, and sees it leave (then refuses to sign)', async () => {
      expect(service.tokens()).toEqual([]);
      const arrived = waitFor('inserted', '555000000007');
      await alice.insert();
      const { token } = await arrived;
      const login = await service.login(token, Buffer.from('111111'));
      const cert = new X509Certificate(login.certificateDer);
      expect(cert.subject).toContain('CN=555000000007');
      const challenge = Buffer.from('identity service challenge');
      expect(verify('sha256', challenge, cert.publicKey, await service.sign(challenge))).toBe(true);
      const left = waitFor('removed', '555000000007');
      await alice.remove();
      await left;
      expect((await rejection(service.sign(challenge))).code).toBe('CARD_REMOVED');
    });

    it('locks the PIN after three wrong tries: PIN_INCORRECT, PIN_INCORRECT, PIN_LOCKED, then locked for the right PIN too', async () => {
      const arrived = waitFor('inserted', '555000000008');
      await locked.insert();
      const { token } = await arrived;
      const first = await rejection(service.login(token, Buffer.from('999999')));
      expect(first.code).toBe('PIN_INCORRECT');
      const second = await rejection(service.login(token, Buffer.from('999998')));
      expect(second.code).toBe('PIN_INCORRECT');
      expect(second.triesRemaining).toBe('final');
      const third = await rejection(service.login(token, Buffer.from('999997')));
      expect(third.code).toBe('PIN_LOCKED');
      const pin = Buffer.from('222222');
      expect((await rejection(service.login(token, pin))).code).toBe('PIN_LOCKED');
      expect([...pin].every((b) => b === 0)).toBe(true);
      expect(await locked.status()).toEqual({ inserted: true, locked: true });
      const left = waitFor('removed', '555000000008');
      await locked.remove();
      await left;
    });
  },
);
