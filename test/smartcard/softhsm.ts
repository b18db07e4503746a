// SoftHSM2 plumbing for the virtual cards: a private softhsm2.conf per card folder, and the
// CLI tools (softhsm2-util, pkcs11-tool) run with that configuration only.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const softhsmModule = '/usr/lib/softhsm/libsofthsm2.so';

export function softhsmAvailable(): boolean {
  return existsSync(softhsmModule);
}

/**
 * Writes `conf` pointing at `tokenDir` unless it exists. `slots.removable` makes SoftHSM report
 * its slots as removable readers, like a real card reader (toolchain.md, PKCS#11).
 */
export async function ensureConf(conf: string, tokenDir: string): Promise<void> {
  await mkdir(tokenDir, { recursive: true, mode: 0o700 });
  if (existsSync(conf)) return;
  await writeFile(
    conf,
    [
      `directories.tokendir = ${tokenDir}`,
      'objectstore.backend = file',
      'slots.removable = true',
      'log.level = ERROR',
      '',
    ].join('\n'),
  );
}

export async function tool(
  conf: string,
  command: string,
  args: readonly string[],
): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(command, [...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', SOFTHSM2_CONF: conf },
      timeout: 30_000,
      maxBuffer: 4 * 1024 * 1024,
      encoding: 'utf8',
    });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`${command} ${args[0] ?? ''} failed: ${stderr.trim() || String(error)}`, {
      cause: error,
    });
  }
}

export const pkcs11Tool = (conf: string, args: readonly string[]) =>
  tool(conf, 'pkcs11-tool', ['--module', softhsmModule, ...args]);

export { join };
