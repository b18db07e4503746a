// `npm run --silent smsp -- sandbox --port 0 [--data-dir DIR] [--faults FILE] [--latency MS]
// [--smartcard-ca FILE]`: runs the sandbox standalone. Prints exactly one JSON line when ready
// (url, ca, clientCert, clientKey, spineAsid, clientAsid, spinePartyKey, clientPartyKey) and
// runs until SIGINT/SIGTERM. SMSP_SANDBOX_PACK=FILE serves that patient pack instead of the
// built-in one; an invalid pack stops it with exit 2 and one line naming the file and the problem.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSandbox } from './index';
import { loadPack, packFromEnvironment, PackError } from './patients';

const usage =
  'usage: smsp sandbox [--port N] [--data-dir DIR] [--faults FILE] [--latency MS] [--smartcard-ca FILE]\n';

export async function run(args: string[]): Promise<number> {
  const opts: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 1) {
    const key = args[i] ?? '';
    const value = args[i + 1];
    if (
      !['--port', '--data-dir', '--faults', '--latency', '--smartcard-ca'].includes(key) ||
      value === undefined
    ) {
      process.stderr.write(usage);
      return 2;
    }
    opts[key] = value;
    i += 1;
  }
  const port = Number(opts['--port'] ?? '0');
  const latency = Number(opts['--latency'] ?? '0');
  if (!Number.isInteger(port) || port < 0 || port > 65535 || !Number.isFinite(latency) || latency < 0) {
    process.stderr.write(usage);
    return 2;
  }
  const dataDir = resolve(opts['--data-dir'] ?? mkdtempSync(join(tmpdir(), 'smsp-sandbox-')));
  const packFile = packFromEnvironment();
  if (packFile) {
    try {
      loadPack(packFile);
    } catch (error) {
      process.stderr.write(`sandbox: ${error instanceof PackError ? error.message : String(error)}\n`);
      return 2;
    }
  }
  const options = {
    dataDir,
    port,
    latencyMs: latency,
    ...(packFile ? { packFile } : {}),
    ...(opts['--faults'] ? { faultsFile: resolve(opts['--faults']) } : {}),
    ...(opts['--smartcard-ca'] ? { smartcardCaFile: resolve(opts['--smartcard-ca']) } : {}),
  };
  let sandbox;
  try {
    sandbox = await startSandbox(options);
  } catch (error) {
    // The Spine endpoints are still useful without smartcard login; say so rather than stop.
    process.stderr.write(
      `sandbox: identity service unavailable (${error instanceof Error ? error.message : String(error)}); ` +
        'running without smartcard login\n',
    );
    sandbox = await startSandbox({ ...options, identity: false });
  }
  const ready = {
    url: sandbox.url,
    ca: sandbox.ca,
    clientCert: sandbox.clientCert,
    clientKey: sandbox.clientKey,
    spineAsid: sandbox.spineAsid,
    clientAsid: sandbox.clientAsid,
    spinePartyKey: sandbox.spinePartyKey,
    clientPartyKey: sandbox.clientPartyKey,
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  await new Promise<void>((done) => {
    const stop = (): void => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await sandbox.close();
  return 0;
}
