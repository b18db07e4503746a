// The kill test (issue 4 "Done when"): a child process queues GP Summary uploads and is SIGKILLed
// while sending, round after round (bounded); a final process resumes the outbox. Nothing queued
// is lost (every MessageId a child reported is acknowledged) and nothing is duplicated (the
// sandbox recorded each MessageId once, and the outbox holds each once).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { sandboxSpineConfig } from '../../support/spine-config';
import { makeSandbox, type SandboxUnderTest } from './harness';
import type { OutboxItem } from '../../../main/spine/client';
import { openOutbox } from '../../../main/spine/outbox';

const childFile = fileURLToPath(new URL('./kill-child.ts', import.meta.url));
const ROUNDS = 5;
const PER_ROUND = 3;

let env: SandboxUnderTest;
let dataDir: string;
const children = new Set<ChildProcessWithoutNullStreams>();

beforeAll(async () => {
  env = await makeSandbox();
  dataDir = await mkdtemp(join(tmpdir(), 'spine-kill-'));
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await env?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function start(args: string[]): {
  child: ChildProcessWithoutNullStreams;
  lines: AsyncIterableIterator<string>;
} {
  const spine = sandboxSpineConfig(env.sandbox, {
    retries: 5,
    retryIntervalMs: 100,
    persistDurationMs: 60_000,
  });
  const child = spawn(process.execPath, ['--import', 'tsx', childFile, dataDir, ...args], {
    env: { ...process.env, SPINE_CONFIG: JSON.stringify(spine) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.stderr.resume();
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return { child, lines };
}

async function nextJson(
  lines: AsyncIterableIterator<string>,
  timeoutMs: number,
): Promise<Record<string, unknown> | null> {
  const timer = new Promise<null>((resolve) => setTimeout(() => resolve(null), timeoutMs));
  const line = await Promise.race([lines.next(), timer]);
  if (!line || line.done) return null;
  return JSON.parse(line.value) as Record<string, unknown>;
}

const exited = (child: ChildProcessWithoutNullStreams) =>
  new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
  );

describe('outbox survives SIGKILL mid-send', () => {
  it(`loses and duplicates nothing over ${ROUNDS} killed rounds`, async () => {
    // Slow the reliable endpoint so each kill lands while uploads are in flight.
    env.sandbox.setFaults([{ kind: 'latency', interaction: 'REPC_IN150016UK05', ms: 150 }]);
    const reported = new Set<string>();
    for (let round = 0; round < ROUNDS; round += 1) {
      const { child, lines } = start(['enqueue', String(PER_ROUND)]);
      expect(await nextJson(lines, 20_000)).toEqual({ ready: true });
      for (let i = 0; i < PER_ROUND; i += 1) {
        const line = await nextJson(lines, 10_000);
        if (typeof line?.['queued'] === 'string') reported.add(line['queued']);
      }
      // Kill at a different point of the send each round (0–250 ms after the last commit); the last
      // round is killed at once, so the restart always finds messages in flight.
      await new Promise((resolve) => setTimeout(resolve, ((ROUNDS - 1 - round) * 61) % 250));
      child.kill('SIGKILL');
      await exited(child);
    }
    env.sandbox.clearFaults();
    expect(reported.size).toBe(ROUNDS * PER_ROUND);

    // The kills really interrupted work: the outbox still held unfinished messages at restart.
    const store = openOutbox({ dataDir });
    const unfinished = store.unfinished().length;
    store.close();
    expect(unfinished).toBeGreaterThan(0);

    const { child, lines } = start(['drain']);
    expect(await nextJson(lines, 20_000)).toEqual({ ready: true });
    const final = await nextJson(lines, 70_000);
    await exited(child);
    const outbox = (final?.['outbox'] ?? []) as OutboxItem[];

    const ids = outbox.map((item) => item.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const messageId of reported) expect(ids).toContain(messageId);
    expect(outbox.filter((item) => item.state !== 'acknowledged')).toEqual([]);
    for (const messageId of ids) {
      expect(env.sandbox.state.uploads.filter((u) => u.messageId === messageId)).toHaveLength(1);
    }
  }, 180_000);
});
