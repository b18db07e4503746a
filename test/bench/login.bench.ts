// Login benchmark (issue 5): card present → role list, client-side — the session's own work
// (PKCS#11 login and signing in the card processes, certificate handling, TLS, audit, role
// mapping) — excluding passcode typing and the identity service's own processing time, which
// is measured on the server and subtracted. 20 logins on a real SoftHSM2 training card.
// Baseline in the same run: the card service's bare login + sign, with no session around it.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { EventBus } from '../../main/api/event-bus';
import { createSession } from '../../main/auth/session';
import { AppConfig } from '../../main/config/schema';
import { silentLogger } from '../../main/log/logger';
import type { SpineClient } from '../../main/spine/client';
import { startCardService } from '../../native/pkcs11/start';
import { softhsmAvailable } from '../smartcard/softhsm';
import { cardMover, startIdentityServer, tempDir, trainingCardsIn, until } from '../integration/auth/support';

const logins = 20;

const quantile = (values: readonly number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
};
const ms = (value: number) => `${value.toFixed(1)} ms`;

export async function run(): Promise<void> {
  if (!softhsmAvailable()) {
    process.stdout.write('login: skipped — SoftHSM2 is not installed (apt-get install softhsm2)\n');
    return;
  }
  const dir = await tempDir('smsp-login-bench-');
  let serverMs = 0;
  const cards = await trainingCardsIn(dir.path);
  const server = await startIdentityServer(
    join(dir.path, 'tls'),
    cards.caCertFile,
    (spent) => (serverMs += spent),
  );
  const move = cardMover(cards);
  const smartcard = {
    modules: [cards.module],
    module: cards.module,
    env: { SOFTHSM2_CONF: cards.conf },
    pollMs: 100,
  };
  try {
    // Baseline: the bare card service (PKCS#11 login + one signature), same card, same machine.
    const bare = await startCardService({ ...smartcard });
    await move.insert('555000000001');
    await until(() => bare.tokens().length === 1, 'the card in the reader');
    const token = bare.tokens()[0];
    if (!token) throw new Error('no token');
    const baseline: number[] = [];
    for (let i = 0; i < logins; i += 1) {
      const started = performance.now();
      await bare.login(token, Buffer.from('123456'));
      await bare.sign(Buffer.alloc(32, 7));
      baseline.push(performance.now() - started);
      await bare.logout();
    }
    await bare.close();

    const dataDir = join(dir.path, 'data');
    await mkdir(dataDir, { recursive: true });
    const session = await createSession({
      config: AppConfig.parse({
        environment: 'training',
        smartcard,
        identity: {
          url: server.url,
          caFile: server.tls.caFile,
          clientCertFile: server.tls.clientCertFile,
          clientKeyFile: server.tls.clientKeyFile,
        },
      }),
      dataDir,
      log: silentLogger,
      events: new EventBus(),
      audit: { record: async () => ({ sequence: 0 }) },
      spine: {} as SpineClient,
      platform: { host: 'test-host' },
    });
    await until(() => session.state().stage === 'card-present', 'the session to see the card');
    const total: number[] = [];
    const client: number[] = [];
    const service: number[] = [];
    for (let i = 0; i < logins; i += 1) {
      serverMs = 0;
      const started = performance.now();
      const state = await session.login(Buffer.from('123456'));
      const elapsed = performance.now() - started;
      if (state.roles.length === 0) throw new Error('no role list');
      total.push(elapsed);
      service.push(serverMs);
      client.push(elapsed - serverMs);
      await session.logout();
    }
    await session.close();
    await move.remove('555000000001');

    const line = (name: string, values: readonly number[]) =>
      `${name.padEnd(44)} median ${ms(quantile(values, 0.5)).padStart(9)}   p95 ${ms(quantile(values, 0.95)).padStart(9)}\n`;
    process.stdout.write(
      `login: ${logins} logins, PHARMACIST training card (SoftHSM2), identity service over mutual TLS\n`,
    );
    process.stdout.write(line('baseline: bare PKCS#11 login + sign', baseline));
    process.stdout.write(line('card present → role list (total)', total));
    process.stdout.write(line('  of which identity service (server-side)', service));
    process.stdout.write(line('card present → role list, client-side', client));
    const p95 = quantile(client, 0.95);
    process.stdout.write(
      `client-side p95 ${ms(p95)} — target < 300 ms: ${p95 < 300 ? 'met' : 'NOT met'}; ratio to baseline median ${(quantile(client, 0.5) / quantile(baseline, 0.5)).toFixed(2)}×\n`,
    );
  } finally {
    await server.close();
    await dir.remove();
  }
}
