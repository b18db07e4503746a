// Runs one virtual PIV card (piv-card.ts) as its own process inside the private PC/SC network
// namespace (pcsc.ts starts it with nsenter). Argument: JSON {uuid, pin, caDir, port, tries?,
// expired?}. Commands on stdin, one per line: insert | remove | status | exit; each answered
// with one JSON line on stdout.
import { createInterface } from 'node:readline';
import { PivCard } from './piv-card';

interface Args {
  uuid: string;
  pin: string;
  caDir: string;
  port: number;
  tries?: number;
  expired?: boolean;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const card = await PivCard.create({
  uuid: args.uuid,
  pin: args.pin,
  caDir: args.caDir,
  ...(args.tries ? { tries: args.tries } : {}),
  ...(args.expired ? { expired: true } : {}),
});
const say = (value: object) => process.stdout.write(JSON.stringify(value) + '\n');
say({ ready: true });
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  void (async () => {
    try {
      if (line === 'insert') await card.insert(args.port);
      else if (line === 'remove') await card.remove();
      else if (line === 'exit') {
        await card.remove();
        say({ ok: true });
        process.exit(0);
      } else if (line !== 'status') throw new Error(`unknown command ${line}`);
      say({ ok: true, inserted: card.inserted, locked: card.locked });
    } catch (error) {
      say({ ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  })();
});
// The test went away: take the card out and stop.
lines.on('close', () => {
  void card.remove().then(() => process.exit(0));
});
