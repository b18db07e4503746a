// Child process for the crash test: opens the audit trail (worker thread, real store) in the
// given folder and appends entries with a few in flight, printing each committed sequence number
// on its own line the moment record() resolves. Runs until killed (bounded at 100,000 entries).
import { EventBus } from '../../../main/api/event-bus';
import { openAuditTrail } from '../../../main/audit/trail';
import { AppConfig } from '../../../main/config/schema';
import { silentLogger } from '../../../main/log/logger';

const dataDir = process.argv[2] ?? '';
if (!dataDir) throw new Error('usage: append-child DATA_DIR');

async function main(): Promise<void> {
  const trail = await openAuditTrail({
    config: AppConfig.parse({ workstation: 'CRASH-TEST' }),
    dataDir,
    log: silentLogger,
    events: new EventBus(),
    platform: { host: 'test-host' },
  });
  if (!trail.status().available) throw new Error(trail.status().message ?? 'audit unavailable');
  process.stdout.write('ready\n');

  let issued = 0;
  const lane = async (): Promise<void> => {
    while (issued < 100_000) {
      issued += 1;
      const { sequence } = await trail.record({
        type: 'scr.view',
        outcome: 'success',
        nhsNumber: '9990402132',
        detail: { lane: issued % 4 },
      });
      process.stdout.write(`${sequence}\n`);
    }
  };
  await Promise.all([lane(), lane(), lane(), lane()]);
  await trail.close();
}

// A plain promise chain, not top-level await: the test bundles this file as CommonJS.
main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(2);
});
