// The test host as a process: `node --import tsx main/host/cli.ts [--port N] [--config FILE]
// [--data-dir DIR]`. Loads configuration (admin file, user file, then FILE's values over both),
// starts the runtime and the loopback host, and prints one JSON line when ready:
// {"url","launchUrl","port","pid","environment"}; each line `launch-url` on stdin is answered with
// {"launchUrl"} (a fresh single-use address). It refuses a live configuration.
import { existsSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { ConfigError } from '../config/load';
import { loadHostConfig } from '../config/sources';
import { auditConfigNotices, logConfigNotices } from '../app/config-notices';
import { createLogger } from '../log/logger';
import { bootstrapRuntime } from '../app/bootstrap';
import { appRoot, builtPaths } from '../app/paths';
import { forkLauncher } from '../../native/pkcs11/launcher';
import { startHost } from './server';
import { openLaunchChannel } from '../launch/channel';

interface HostArgs {
  port: number;
  configFile?: string;
  dataDir: string;
}

function parseArgs(argv: readonly string[]): HostArgs {
  const args: HostArgs = { port: 0, dataDir: resolve('.smsp', 'host-data') };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--port' && value) args.port = Number(value);
    else if (flag === '--config' && value) args.configFile = value;
    else if (flag === '--data-dir' && value) args.dataDir = resolve(value);
    else throw new ConfigError(`Unknown or incomplete argument: ${flag}`);
    i += 1;
  }
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535)
    throw new ConfigError(`--port must be 0–65535`);
  return args;
}

export async function main(argv: readonly string[]): Promise<void> {
  // Start-up stages in ms since this process started (printed with the ready line; the startup
  // benchmark lists them).
  const timings: Record<string, number> = { 'modules loaded': performance.now() };
  const log = createLogger({ level: process.env['SMSP_LOG_LEVEL'] === 'debug' ? 'debug' : 'info' });
  const args = parseArgs(argv);
  const overrides = args.configFile
    ? (JSON.parse(await readFile(args.configFile, 'utf8')) as Record<string, unknown>)
    : {};
  // The test host is never installed: it is a development run and says where its policy came from.
  const { config, notices } = loadHostConfig({ packaged: false, env: process.env, overrides });
  logConfigNotices(log, notices);
  timings['configuration'] = performance.now();
  // Bundled (dist/host/host.cjs): the app root is above this file, and the PKCS#11 processes run
  // their bundle too. From source (tsx) both come from the source tree.
  const bundled = typeof __filename === 'string' && __filename.endsWith('.cjs');
  const root = appRoot(bundled ? __filename : (process.argv[1] ?? process.cwd()));
  const paths = builtPaths(root);
  if (!existsSync(join(paths.renderer, 'index.html')) || !existsSync(paths.twin))
    throw new ConfigError(
      'The renderer is not built: run `npm run build` first (`npm start` does this for you).',
    );
  mkdirSync(args.dataDir, { recursive: true, mode: 0o700 });
  const runtime = await bootstrapRuntime({
    config,
    platform: {
      host: 'test-host',
      ...(bundled ? { pkcs11: forkLauncher(join(root, 'dist', 'main', 'pkcs11-process.cjs')) } : {}),
    },
    dataDir: args.dataDir,
    log,
  });
  await auditConfigNotices(runtime.services.audit, log, notices);
  timings['services (audit store, Spine, session)'] = performance.now();
  const host = await startHost({
    runtime,
    rendererDir: paths.renderer,
    twinFile: paths.twin,
    port: args.port,
  });
  // In-context launch (issue 14): `smsp launch URL` hands requests to this app over a channel
  // only this OS user can open; the request is handled by the same launch service as Electron's.
  // Without it the app still works; only launch from another system is unavailable, so say why.
  const channel = await openLaunchChannel(
    args.dataDir,
    (url) => runtime.services.launch.handleUrl(url, 'local-channel'),
    log,
  ).catch((error: unknown) => {
    log.warn('in-context launch is unavailable: the local channel could not be opened', { error });
    return null;
  });
  const stop = async () => {
    await channel?.close();
    await host.close();
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
  process.stdout.write(
    JSON.stringify({
      url: host.url,
      launchUrl: host.launchUrl,
      port: host.port,
      pid: process.pid,
      environment: config.environment,
      timings: { ...timings, listening: performance.now() },
    }) + '\n',
  );
  // A launch address works once, within 30 s: a line `launch-url` on stdin asks for a fresh one.
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() === 'launch-url')
      process.stdout.write(JSON.stringify({ launchUrl: host.issueLaunchUrl() }) + '\n');
  });
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`smsp host: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
