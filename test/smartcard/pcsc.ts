// A private PC/SC stack for tests: its own pcscd (foreground, own reader.conf.d with one
// vsmartcard-vpcd reader, own /run/pcscd) in private network and mount namespaces, and virtual
// PIV cards (piv-card.ts) that connect to vpcd from inside that namespace. A system pcscd is
// never touched; without root or the packages the PC/SC tests skip and say why.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const pcscdPath = '/usr/sbin/pcscd';
export const vpcdDriver = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';
export const openscModule = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';
function onPath(command: string): boolean {
  const dirs = (process.env.PATH ?? '/usr/bin:/bin').split(':').concat(['/usr/sbin', '/sbin']);
  return dirs.some((dir) => existsSync(join(dir, command)));
}

/** Why the PC/SC path cannot run here, or null when it can. */
export function pcscUnavailable(): string | null {
  if (process.platform !== 'linux') return 'the PC/SC test stack is Linux-only';
  for (const [path, pkg] of [
    [pcscdPath, 'pcscd'],
    [vpcdDriver, 'vsmartcard-vpcd'],
    [openscModule, 'opensc-pkcs11'],
  ] as const) {
    if (!existsSync(path)) return `${path} is missing (apt-get install ${pkg})`;
  }
  for (const [command, pkg] of [
    ['unshare', 'util-linux'],
    ['nsenter', 'util-linux'],
    ['ip', 'iproute2'],
  ] as const) {
    if (!onPath(command)) return `${command} is missing (apt-get install ${pkg})`;
  }
  if (process.getuid?.() !== 0)
    return 'the private pcscd needs root (unshare of network and mount namespaces)';
  return null;
}

export interface VirtualCardOptions {
  readonly uuid: string;
  readonly pin: string;
  readonly caDir: string;
  readonly tries?: number;
  readonly expired?: boolean;
}

/** A PIV card in its own process; insert/remove are real PC/SC events. */
export interface VirtualCard {
  insert(): Promise<void>;
  remove(): Promise<void>;
  status(): Promise<{ inserted: boolean; locked: boolean }>;
  close(): Promise<void>;
}

export interface PrivatePcsc {
  /** Environment for PKCS#11 processes (OpenSC's libpcsclite reaches this pcscd through it). */
  readonly env: Readonly<Record<string, string>>;
  startCard(options: VirtualCardOptions): Promise<VirtualCard>;
  stop(): Promise<void>;
}

const cardEntry = fileURLToPath(new URL('./piv-card-process.ts', import.meta.url));

/**
 * Starts pcscd in private network and mount namespaces (needs root: unshare): vpcd's listener
 * exists only on that namespace's loopback, and pcscd's fixed /run/pcscd is a bind mount of
 * DIR/run, so a system pcscd is never touched. Resolves when its socket is up (bounded).
 */
export async function startPrivatePcsc(dir: string): Promise<PrivatePcsc> {
  const confDir = join(dir, 'reader.conf.d');
  const runDir = join(dir, 'run');
  await mkdir(confDir, { recursive: true });
  await mkdir(runDir, { recursive: true });
  const port = 35963;
  await writeFile(
    join(confDir, 'vpcd'),
    [
      'FRIENDLYNAME "SMSP Virtual Reader"',
      `DEVICENAME   /dev/null:0x${port.toString(16)}`,
      `LIBPATH      ${vpcdDriver}`,
      `CHANNELID    0x${port.toString(16)}`,
      '',
    ].join('\n'),
  );
  const socket = join(runDir, 'pcscd.comm');
  const env = { PCSCLITE_CSOCK_NAME: socket };
  // pcscd 1.9 aborts ("bit out of range 0 - FD_SETSIZE") when the descriptor limit is above
  // FD_SETSIZE, as in many containers: it runs with the classic limit of 1024.
  const script =
    'ip link set lo up && mount -t tmpfs tmpfs /run && mkdir /run/pcscd && ' +
    'mount --bind "$0" /run/pcscd && ulimit -n 1024 && exec "$1" --foreground --config "$2"';
  const child: ChildProcess = spawn(
    'unshare',
    ['--net', '--mount', '--propagation', 'private', '/bin/sh', '-c', script, runDir, pcscdPath, confDir],
    {
      env: { PATH: `${process.env.PATH ?? '/usr/bin:/bin'}:/usr/sbin:/sbin` },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  while (!existsSync(socket)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`pcscd did not start: ${stderr.trim() || 'no socket within 10 s'}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const cards: VirtualCard[] = [];

  async function startCard(options: VirtualCardOptions): Promise<VirtualCard> {
    const proc = spawn(
      'nsenter',
      [
        `--net=/proc/${child.pid}/ns/net`,
        '--',
        process.execPath,
        '--import',
        'tsx',
        cardEntry,
        JSON.stringify({ ...options, port }),
      ],
      { stdio: ['pipe', 'pipe', 'inherit'], env: process.env },
    );
    const replies: Array<(line: string) => void> = [];
    let buffered = '';
    proc.stdout?.on('data', (d: Buffer) => {
      buffered += d.toString();
      let nl = buffered.indexOf('\n');
      while (nl >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        replies.shift()?.(line);
        nl = buffered.indexOf('\n');
      }
    });
    const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    const next = (ms: number) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`virtual card did not answer within ${ms} ms`)), ms);
        replies.push((line) => {
          clearTimeout(timer);
          resolve(JSON.parse(line) as Record<string, unknown>);
        });
      });
    await next(30_000); // {ready}
    const command = async (line: string) => {
      const reply = next(15_000);
      proc.stdin?.write(line + '\n');
      const value = await reply;
      if (value.ok !== true) throw new Error(`virtual card: ${String(value.error)}`);
      return value;
    };
    const card: VirtualCard = {
      insert: async () => void (await command('insert')),
      remove: async () => void (await command('remove')),
      status: async () => {
        const v = await command('status');
        return { inserted: v.inserted === true, locked: v.locked === true };
      },
      close: async () => {
        if (proc.exitCode === null) {
          proc.stdin?.end();
          const timer = setTimeout(() => proc.kill('SIGKILL'), 3_000);
          await gone;
          clearTimeout(timer);
        }
      },
    };
    cards.push(card);
    return card;
  }

  return {
    env,
    startCard,
    async stop() {
      await Promise.all(cards.map((c) => c.close()));
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
