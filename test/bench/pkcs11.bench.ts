// PKCS#11 card service on SoftHSM2 tokens: login and sign latency through the session process,
// and how long a real token move takes to arrive as an insert/remove event. Baselines measured
// in the same run: one IPC round trip to the session process (logout with no session) for the
// calls, and the monitor's poll interval for the events.
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CardEvent } from '../../native/pkcs11/card-service';
import { startCardService } from '../../native/pkcs11/start';
import { provisionTrainingCards } from '../smartcard/cards';
import { openscModule, pcscUnavailable, startPrivatePcsc } from '../smartcard/pcsc';
import { softhsmAvailable, softhsmModule } from '../smartcard/softhsm';

function stats(samples: number[]): { median: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  return { median: at(0.5), p95: at(0.95) };
}

const fmt = (n: number) => n.toFixed(2);

async function time(work: () => Promise<unknown>, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const t = performance.now();
    await work();
    out.push(performance.now() - t);
  }
  return out;
}

/** The PC/SC path: a private pcscd + vpcd reader, OpenSC, a virtual PIV card (5 cycles). */
async function pcscSection(): Promise<void> {
  const why = pcscUnavailable();
  if (why) {
    process.stdout.write(`PC/SC: skipped (${why})\n`);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'smsp-bench-pcsc-'));
  const pcsc = await startPrivatePcsc(dir);
  try {
    const card = await pcsc.startCard({ uuid: '555000000007', pin: '111111', caDir: join(dir, 'ca') });
    const service = await startCardService({
      modules: [openscModule],
      module: openscModule,
      env: pcsc.env,
      pollMs: 250,
    });
    try {
      const event = (type: CardEvent['type']) =>
        new Promise<void>((resolve) => {
          const off = service.onEvent((e) => {
            if (e.type === type) {
              off();
              resolve();
            }
          });
        });
      const inserts: number[] = [];
      const removals: number[] = [];
      const logins: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        let seen = event('inserted');
        let t = performance.now();
        await card.insert();
        await seen;
        inserts.push(performance.now() - t);
        const token = service.tokens()[0];
        if (!token) throw new Error('PIV card not seen');
        t = performance.now();
        await service.login(token, Buffer.from('111111'));
        logins.push(performance.now() - t);
        seen = event('removed');
        t = performance.now();
        await card.remove();
        await seen;
        removals.push(performance.now() - t);
      }
      const [ins, rem, log] = [stats(inserts), stats(removals), stats(logins)];
      process.stdout.write(
        `PC/SC @ poll 250 ms (5 cycles): insert median ${fmt(ins.median)} ms p95 ${fmt(ins.p95)} ms; ` +
          `removal median ${fmt(rem.median)} ms p95 ${fmt(rem.p95)} ms; login median ${fmt(log.median)} ms p95 ${fmt(log.p95)} ms\n`,
      );
    } finally {
      await service.close();
    }
  } finally {
    await pcsc.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  await softhsmSection();
  await pcscSection();
}

async function softhsmSection(): Promise<void> {
  if (!softhsmAvailable()) {
    process.stdout.write('skipped: SoftHSM2 is not installed\n');
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'smsp-bench-pkcs11-'));
  try {
    const set = await provisionTrainingCards(dir);
    for (const pollMs of [100, 250]) {
      const service = await startCardService({
        modules: [softhsmModule],
        module: softhsmModule,
        env: { SOFTHSM2_CONF: set.conf },
        pollMs,
      });
      try {
        const id = '555000000001';
        const label = 'PHARMACIST, Test';
        const event = (type: CardEvent['type']) =>
          new Promise<void>((resolve) => {
            const off = service.onEvent((e) => {
              if (e.type === type && e.token.label === label) {
                off();
                resolve();
              }
            });
          });
        const inserts: number[] = [];
        const removals: number[] = [];
        for (let i = 0; i < 10; i += 1) {
          let seen = event('inserted');
          let t = performance.now();
          await rename(join(set.cardsDir, id), join(set.storeDir, id));
          await seen;
          inserts.push(performance.now() - t);
          seen = event('removed');
          t = performance.now();
          await rename(join(set.storeDir, id), join(set.cardsDir, id));
          await seen;
          removals.push(performance.now() - t);
        }
        const ins = stats(inserts);
        const rem = stats(removals);
        process.stdout.write(
          `events @ poll ${pollMs} ms (10 each): insert median ${fmt(ins.median)} ms p95 ${fmt(ins.p95)} ms` +
            ` (${fmt(ins.median / pollMs)}× poll); removal median ${fmt(rem.median)} ms p95 ${fmt(rem.p95)} ms\n`,
        );
        if (pollMs !== 100) continue;

        const inserted = event('inserted');
        await rename(join(set.cardsDir, id), join(set.storeDir, id));
        await inserted;
        const token = service.tokens().find((t) => t.label === label);
        if (!token) throw new Error('card not seen');
        const roundTrip = stats(await time(() => service.logout(), 20));
        const logins = stats(
          await time(async () => {
            await service.login(token, Buffer.from('123456'));
          }, 20),
        );
        const signs = stats(await time(() => service.sign(Buffer.from('challenge')), 20));
        await service.logout();
        await rename(join(set.storeDir, id), join(set.cardsDir, id));
        process.stdout.write(
          `IPC round trip (baseline, 20): median ${fmt(roundTrip.median)} ms p95 ${fmt(roundTrip.p95)} ms\n` +
            `login (20): median ${fmt(logins.median)} ms p95 ${fmt(logins.p95)} ms (${fmt(logins.median / roundTrip.median)}× baseline)\n` +
            `sign RSA-2048 SHA-256 (20): median ${fmt(signs.median)} ms p95 ${fmt(signs.p95)} ms (${fmt(signs.median / roundTrip.median)}× baseline)\n`,
        );
      } finally {
        await service.close();
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
