// A test host on a throw-away renderer (an index.html and a twin script in a temp folder), for
// tests of what the loopback host accepts. Hosts started here are closed by `closeTestHosts`,
// or earlier by `closeTestHost` (which writes the host's last burst of refusals to the trail).
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHost, type HostOptions, type RunningHost } from '../../main/host/server';
import { testRuntime, type TestRuntime } from './runtime';

const running: RunningHost[] = [];

export async function startTestHost(
  runtime: TestRuntime = testRuntime(),
  extra: Partial<HostOptions> = {},
): Promise<{ host: RunningHost; runtime: TestRuntime }> {
  const dir = mkdtempSync(join(tmpdir(), 'smsp-host-'));
  mkdirSync(join(dir, 'renderer'));
  writeFileSync(
    join(dir, 'renderer', 'index.html'),
    '<!doctype html><html><head><title>t</title></head><body></body></html>',
  );
  writeFileSync(join(dir, 'twin.js'), 'window.twin = 1;');
  const host = await startHost({
    runtime,
    rendererDir: join(dir, 'renderer'),
    twinFile: join(dir, 'twin.js'),
    ...extra,
  });
  running.push(host);
  return { host, runtime };
}

export async function closeTestHost(host: RunningHost): Promise<void> {
  const index = running.indexOf(host);
  if (index === -1) return;
  running.splice(index, 1);
  await host.close();
}

export async function closeTestHosts(): Promise<void> {
  await Promise.all(running.splice(0).map((host) => host.close()));
}
