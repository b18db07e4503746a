// `npm start`: launches the app in training mode against the built-in Spine sandbox with virtual
// smartcards. Where an Electron binary is installed it opens the real Electron window; where none
// is (machines that cannot download it), it starts the loopback test host and opens the renderer
// in Chromium as an app window — or, under CI or with no display, prints the URL. It always says
// which it did and why.
//
// Where it opens Chromium, it opens it first, on a one-use loopback doorway (doorway.ts) that sends
// the browser on to the host once the host is ready: the browser's launch overlaps the sandbox's,
// the cards' and the host's start (issue 15, start-up).
//
// Flags: --headless (never open a window), --ready-json (print one JSON line when ready, for
// tests), --door-json (open the doorway without a browser and print {"door": URL} first, for the
// start-up bench, which opens it in its own Chromium), --data-dir DIR (workstation state; default
// .smsp/training).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { prepareTraining } from './training';
import { findElectron } from './electron-binary';
import { openDoorway, type Doorway } from './doorway';

interface LaunchArgs {
  headless: boolean;
  readyJson: boolean;
  doorJson: boolean;
  dataDir: string;
}

function parseArgs(argv: readonly string[]): LaunchArgs {
  const args: LaunchArgs = {
    headless: false,
    readyJson: false,
    doorJson: false,
    dataDir: resolve('.smsp', 'training'),
  };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    if (flag === '--headless') args.headless = true;
    else if (flag === '--ready-json') args.readyJson = true;
    else if (flag === '--door-json') args.doorJson = true;
    else if (flag === '--data-dir' && argv[i + 1]) args.dataDir = resolve(argv[(i += 1)] ?? '');
    else throw new Error(`Unknown argument ${flag}`);
  }
  return args;
}

const chromiumFlags = [
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

/** Every file under `dir` (bounded walk), newest modification time. */
function newestUnder(dir: string): number {
  let newest = 0;
  const pending = [dir];
  for (let guard = 0; pending.length > 0 && guard < 10_000; guard += 1) {
    const current = pending.pop() as string;
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

/**
 * The host bundle `npm run build` makes (dist/host/host.cjs), when it is at least as new as the
 * source it is built from: it starts without compiling TypeScript (issue 15, start-up). A stale
 * one is never run — the source is, so a test never exercises yesterday's code.
 */
function builtHost(): string | null {
  const bundle = resolve('dist', 'host', 'host.cjs');
  if (!existsSync(bundle)) return null;
  const built = statSync(bundle).mtimeMs;
  return ['main', 'native', 'preload'].some((dir) => newestUnder(resolve(dir)) > built) ? null : bundle;
}

function say(line: string): void {
  process.stderr.write(`scr-desktop: ${line}\n`);
}

/**
 * The printed address works once, within 30 s (issue 12 finding 7): at a terminal, Enter asks the
 * host for a fresh one.
 */
function offerFreshAddresses(host: ChildProcess): void {
  if (!process.stdin.isTTY || !host.stdin || !host.stdout) return;
  say('that address works once, within 30 seconds: press Enter here for a fresh one.');
  createInterface({ input: host.stdout }).on('line', (line) => {
    const fresh = (JSON.parse(line) as { launchUrl?: unknown }).launchUrl;
    if (typeof fresh === 'string') say(fresh);
  });
  createInterface({ input: process.stdin }).on('line', () => host.stdin?.write('launch-url\n'));
}

/** Everything this launcher started; stopped with it, whatever way it stops. */
const children: ChildProcess[] = [];

/** Why no window is opened, or null when Chromium will be. */
function noWindowBecause(args: LaunchArgs): string | null {
  if (args.headless) return '--headless';
  if (process.env['CI']) return 'CI is set';
  if (!(process.env['DISPLAY'] || process.env['WAYLAND_DISPLAY'])) return 'no display';
  return null;
}

const chromiumPath = (): string | undefined =>
  ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((path) =>
    existsSync(path),
  );

/** Chromium as an app window on `url` (the doorway); its output goes to the data folder's log. */
function openBrowser(chromium: string, url: string, dataDir: string): ChildProcess {
  // Chromium will not start its sandbox as root (e.g. a fresh VM's only account); only then is it turned off.
  const rootOnly = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  if (rootOnly.length > 0)
    say('running as root, so Chromium runs without its sandbox; run as a normal user to keep it.');
  const browserLog = openSync(join(dataDir, 'chromium.log'), 'a');
  return spawn(
    chromium,
    [...chromiumFlags, ...rootOnly, `--user-data-dir=${join(dataDir, 'chromium')}`, `--app=${url}`],
    { stdio: ['ignore', browserLog, browserLog] },
  );
}

async function main(): Promise<void> {
  // Start-up stages in ms since this process started, printed with --ready-json (startup bench).
  const timings: Record<string, number> = { 'modules loaded': performance.now() };
  const args = parseArgs(process.argv.slice(2));
  mkdirSync(args.dataDir, { recursive: true, mode: 0o700 });
  let doorway: Doorway | null = null;
  let training: Awaited<ReturnType<typeof prepareTraining>> | null = null;
  const stop = async (code = 0) => {
    for (const child of children) child.kill('SIGTERM');
    await doorway?.close();
    await training?.close();
    process.exit(code);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());

  const electron = findElectron();
  const noWindow = noWindowBecause(args);
  const chromium = 'path' in electron || noWindow ? undefined : chromiumPath();
  // The browser starts first, on the doorway, and waits there while everything else starts.
  if (chromium || args.doorJson) {
    doorway = await openDoorway();
    if (args.doorJson) process.stdout.write(`${JSON.stringify({ door: doorway.url })}\n`);
    if (chromium) {
      const browser = openBrowser(chromium, doorway.url, args.dataDir);
      children.push(browser);
      browser.on('exit', () => void stop(0));
    }
  }

  training = await prepareTraining(args.dataDir, say);
  timings['training set-up (sandbox, cards)'] = performance.now();

  if ('path' in electron && !args.headless) {
    say('opening the Electron window (training mode).');
    const child = spawn(electron.path, ['.'], {
      stdio: 'inherit',
      env: { ...process.env, SMSP_CONFIG_OVERRIDES: JSON.stringify(training.config) },
    });
    children.push(child);
    child.on('exit', (code) => void stop(code ?? 0));
    return;
  }

  const configFile = join(args.dataDir, 'host-config.json');
  writeFileSync(configFile, JSON.stringify(training.config, null, 2), { mode: 0o600 });
  const bundle = builtHost();
  if (!bundle)
    say('the built test host is missing or older than the source: running it from source (slower).');
  const hostSpawned = performance.now();
  const host = spawn(
    process.execPath,
    [
      ...(bundle ? [bundle] : ['--import', 'tsx', 'main/host/cli.ts']),
      '--config',
      configFile,
      '--data-dir',
      join(args.dataDir, 'workstation'),
    ],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, ...training.env },
    },
  );
  children.push(host);
  host.on('exit', (code) => void stop(code ?? 1));
  type HostReady = { url: string; launchUrl: string; timings?: Record<string, number> };
  const ready = await new Promise<HostReady>((resolveReady, reject) => {
    const lines = createInterface({ input: host.stdout! });
    lines.once('line', (line) => resolveReady(JSON.parse(line) as HostReady));
    host.once('exit', (code) =>
      reject(new Error(`the test host stopped (exit ${code}) before it was ready`)),
    );
  });

  const why = 'path' in electron ? 'headless was asked for' : electron.missing;
  for (const [stage, at] of Object.entries(ready.timings ?? {})) timings[`host: ${stage}`] = hostSpawned + at;
  timings['host ready'] = performance.now();
  doorway?.open(ready.launchUrl);
  if (args.readyJson)
    process.stdout.write(
      JSON.stringify({ url: ready.url, launchUrl: ready.launchUrl, sandbox: training.sandboxUrl, timings }) +
        '\n',
    );
  if (chromium) {
    say(`started the test host because ${why}; opened it in Chromium as an app window.`);
    offerFreshAddresses(host);
    return;
  }
  say(`started the test host instead of Electron because ${why}.`);
  if (noWindow) say(`no window was opened (${noWindow}). Open this address in Chromium:`);
  else say('found no Chromium to open it in. Open this address in a browser:');
  say(ready.launchUrl);
  offerFreshAddresses(host);
}

main().catch((error: unknown) => {
  say(error instanceof Error ? error.message : String(error));
  // The browser may already be open on the doorway: it goes too.
  for (const child of children) child.kill('SIGTERM');
  process.exit(2);
});
