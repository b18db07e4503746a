// Child process of the kill test (outbox.test.ts): opens the real transport on a shared data
// folder, optionally queues uploads — printing each MessageId once it is committed to the outbox —
// and keeps sending until the parent SIGKILLs it. In `drain` mode it resumes the outbox, waits
// (bounded) until every message is final and prints the outbox as one JSON line.
import { AppConfig } from '../../../main/config/schema';
import { EventBus } from '../../../main/api/event-bus';
import { silentLogger } from '../../../main/log/logger';
import { createSpineTransport } from '../../../main/spine/transport';
import { gpSummaryCall } from './harness';

const [dataDir, mode = 'drain', countText = '0'] = process.argv.slice(2);
const spine = JSON.parse(process.env['SPINE_CONFIG'] ?? '{}') as Record<string, unknown>;
if (!dataDir) throw new Error('usage: kill-child DATA_DIR enqueue|drain [COUNT]');

const transport = await createSpineTransport({
  config: AppConfig.parse({ environment: 'training', spine }),
  dataDir,
  log: silentLogger,
  events: new EventBus(),
  audit: { record: async () => ({ sequence: 0 }) },
});
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);

if (mode === 'enqueue') {
  const patients = ['9000000009', '9000000025'];
  for (let i = 0; i < Number(countText); i += 1) {
    const item = await transport.enqueue(
      gpSummaryCall(patients[i % patients.length] ?? '9000000009', `kill test ${i}`),
    );
    process.stdout.write(`${JSON.stringify({ queued: item.messageId })}\n`);
  }
  // Keep sending until killed (bounded: the parent kills within seconds; this is a backstop).
  setTimeout(() => process.exit(3), 60_000);
} else {
  const deadline = Date.now() + 60_000;
  for (const item of await transport.outbox()) {
    await transport.settle(item.id, Math.max(1, deadline - Date.now()));
  }
  process.stdout.write(`${JSON.stringify({ outbox: await transport.outbox() })}\n`);
  await transport.close();
  process.exit(0);
}
