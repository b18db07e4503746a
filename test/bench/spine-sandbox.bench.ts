// The sandbox's own capacity, so the transport's load check can be read against it: the sandbox
// runs in its own process (the CLI), clients are plain Node https agents with keep-alive (one per
// simulated workstation), loopback only. Reports throughput, client latency, the sandbox's
// X-Sandbox-Processing-Ms, and errors; the baseline is a 404 over the same connection (TLS + HTTP
// floor) measured in the same run.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { SandboxHandle } from '../spine-sandbox/index';
import { acsGet, eventListQuery, retrievalQuery, syncRequest } from '../integration/spine-sandbox/client';

const REQUESTS = 2_000;
const root = fileURLToPath(new URL('../..', import.meta.url));

interface Sample {
  readonly ms: number;
  readonly processing: number;
  readonly ok: boolean;
}

const pct = (sorted: readonly number[], p: number): string =>
  (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN).toFixed(2);

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'sandbox-bench-'));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/tools/smsp.ts', 'sandbox', '--port', '0', '--data-dir', dir],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  try {
    const line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('sandbox did not start in 30 s')), 30_000);
      createInterface({ input: child.stdout }).once('line', (l) => {
        clearTimeout(timer);
        resolve(l);
      });
    });
    const sandbox = JSON.parse(line) as SandboxHandle;
    const tls = {
      ca: readFileSync(sandbox.ca),
      cert: readFileSync(sandbox.clientCert),
      key: readFileSync(sandbox.clientKey),
    };
    const url = new URL(sandbox.url);
    const mix = [
      syncRequest(sandbox, 'QUPA_IN000008UK02', retrievalQuery('9000000009')),
      syncRequest(sandbox, 'GET_RESOURCE_PERMISSIONS_INUK01', acsGet('9000000009')),
      syncRequest(sandbox, 'QUPC_IN180000SM04', eventListQuery('9000000009')),
    ];
    const one = (agent: Agent, i: number, baseline: boolean): Promise<Sample> =>
      new Promise((resolve) => {
        const r = mix[i % mix.length] ?? mix[0];
        const body = baseline ? '' : (r?.body ?? '');
        const t0 = performance.now();
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            path: baseline ? '/none' : '/sync-service',
            method: 'POST',
            agent,
            ...tls,
            headers: { ...(baseline ? {} : r?.headers), 'Content-Length': String(Buffer.byteLength(body)) },
          },
          (res) => {
            res.resume();
            res.on('end', () =>
              resolve({
                ms: performance.now() - t0,
                processing: Number(res.headers['x-sandbox-processing-ms'] ?? NaN),
                ok: baseline ? res.statusCode === 404 : res.statusCode === 200,
              }),
            );
          },
        );
        req.on('error', () => resolve({ ms: performance.now() - t0, processing: NaN, ok: false }));
        req.end(body);
      });
    const phase = async (label: string, workers: number, baseline: boolean): Promise<void> => {
      const agents = Array.from({ length: workers }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
      for (const a of agents) for (let w = 0; w < 5; w += 1) await one(a, w, baseline);
      let next = 0;
      const samples: Sample[] = [];
      const t0 = performance.now();
      await Promise.all(
        agents.map(async (a) => {
          while (next < REQUESTS) samples.push(await one(a, next++, baseline));
        }),
      );
      const wall = performance.now() - t0;
      for (const a of agents) a.destroy();
      const lat = samples.map((s) => s.ms).sort((a, b) => a - b);
      const proc = samples.map((s) => s.processing).sort((a, b) => a - b);
      process.stdout.write(
        `${label}: ${REQUESTS} requests, ${((REQUESTS / wall) * 1000).toFixed(0)} req/s\n` +
          `  client latency     p50 ${pct(lat, 50)} ms  p95 ${pct(lat, 95)} ms  p99 ${pct(lat, 99)} ms\n` +
          `  sandbox processing p50 ${pct(proc, 50)} ms  p95 ${pct(proc, 95)} ms  p99 ${pct(proc, 99)} ms\n` +
          `  errors ${samples.filter((s) => !s.ok).length}\n`,
      );
    };
    await phase('baseline (404, TLS + HTTP floor), 1 client', 1, true);
    await phase('mixed sync (retrieval, ACS get, event list), 1 client', 1, false);
    await phase('baseline (404), 20 clients', 20, true);
    await phase('mixed sync, 20 clients', 20, false);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await rm(dir, { recursive: true, force: true });
  }
}
