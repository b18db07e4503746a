// `npm run --silent smsp -- launch URL [--data-dir DIR]`: hands an in-context launch request to
// the running training app over its local channel (main/launch/channel.ts), as a pharmacy system
// would, and prints the app's answer as one JSON line {"outcome","message"}.
// Exit 0 opened, waiting or confirm; 3 refused; 4 no app running (a line on stderr); 2 usage.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { launchChannelPath, sendLaunchRequest } from '../launch/channel';

const usage =
  'usage: smsp launch URL [--data-dir DIR]   (DIR: the app’s data folder; default .smsp/training)';

/** The channel under DIR: the test host's own folder, or the launcher's folder holding it. */
function channelFor(dataDir: string): string {
  const candidates = [dataDir, join(dataDir, 'workstation')].map((dir) => launchChannelPath(dir));
  return process.platform === 'win32'
    ? (candidates[0] as string)
    : (candidates.find((path) => existsSync(path)) ?? (candidates[0] as string));
}

export async function run(args: string[]): Promise<number> {
  let url: string | undefined;
  let dataDir = resolve('.smsp', 'training');
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (arg === '--data-dir' && args[i + 1]) dataDir = resolve(args[(i += 1)] as string);
    else if (url === undefined && !arg.startsWith('--')) url = arg;
    else {
      process.stderr.write(`${usage}\n`);
      return 2;
    }
  }
  if (url === undefined) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  const result = await sendLaunchRequest(channelFor(dataDir), url);
  // The JSON line on stdout is always one of the app's four outcomes; "no app" is not one.
  if (result.outcome === 'no-app') {
    process.stderr.write(`smsp launch: ${result.message}\n`);
    return 4;
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return result.outcome === 'refused' ? 3 : 0;
}
