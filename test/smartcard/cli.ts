// `npm run --silent smsp -- card create --dir DIR --uuid UUID --pin PIN [--name "Surname, Given"]
// [--expired]`: provisions one virtual smartcard and prints {"module","conf","label","uuid"}.
// `card training --dir DIR` provisions the training cards and prints their summary.
import { createCard, provisionTrainingCards } from './cards';

const usage =
  'usage: card create --dir DIR --uuid UUID --pin PIN [--name "Surname, Given"] [--expired]\n' +
  '       card training --dir DIR\n';

function parse(args: readonly string[]): Map<string, string | true> {
  const out = new Map<string, string | true>();
  for (let i = 0; i < args.length; i += 1) {
    const flag = args[i] ?? '';
    if (!flag.startsWith('--')) throw new Error(`unexpected argument: ${flag}`);
    const value = args[i + 1];
    if (flag === '--expired') out.set('expired', true);
    else if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value`);
    else {
      out.set(flag.slice(2), value);
      i += 1;
    }
  }
  return out;
}

function str(flags: Map<string, string | true>, name: string): string {
  const value = flags.get(name);
  if (typeof value !== 'string') throw new Error(`--${name} is required`);
  return value;
}

export async function run(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  try {
    const flags = parse(rest);
    if (command === 'create') {
      const name = flags.get('name');
      const card = await createCard({
        dir: str(flags, 'dir'),
        uuid: str(flags, 'uuid'),
        pin: str(flags, 'pin'),
        ...(typeof name === 'string' ? { name } : {}),
        ...(flags.get('expired') === true ? { expired: true } : {}),
      });
      process.stdout.write(
        JSON.stringify({ module: card.module, conf: card.conf, label: card.label, uuid: card.uuid }) + '\n',
      );
      return 0;
    }
    if (command === 'training') {
      const set = await provisionTrainingCards(str(flags, 'dir'));
      process.stdout.write(
        JSON.stringify({
          module: set.module,
          conf: set.conf,
          caCertFile: set.caCertFile,
          storeDir: set.storeDir,
          cardsDir: set.cardsDir,
          cards: set.cards.map((c) => ({ id: c.id, uuid: c.uuid, displayName: c.displayName })),
        }) + '\n',
      );
      return 0;
    }
    process.stderr.write(usage);
    return 2;
  } catch (error) {
    process.stderr.write(`card: ${error instanceof Error ? error.message : String(error)}\n${usage}`);
    return 1;
  }
}
