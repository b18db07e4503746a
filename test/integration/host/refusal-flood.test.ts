// Issue 12 finding 4, reproduced against the real encrypted audit trail: 2,000 refused requests
// to the test host with 15 KB paths (carrying an NHS number and a name) used to add one entry
// each — 39 MB, and 178 of the governance lead's last 200 entries. Now a burst is one small entry
// with a count and a redacted sample, and the governance view still shows the clinical entries.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../../main/api/event-bus';
import { AUDIT_DB_FILE, openAuditTrail, type AuditTrail } from '../../../main/audit/trail';
import { AppConfig } from '../../../main/config/schema';
import { silentLogger } from '../../../main/log/logger';
import { hostPaths } from '../../../main/host/server';
import { testRuntime } from '../../support/runtime';
import { rawRequest } from '../../support/raw-http';
import { closeTestHost, startTestHost } from '../../support/test-host';

let dir: string;
let trail: AuditTrail;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smsp-flood-'));
  trail = await openAuditTrail({
    config: AppConfig.parse({ workstation: 'PHARM-01', asid: '200000001234' }),
    dataDir: dir,
    log: silentLogger,
    events: new EventBus(),
    platform: { host: 'test-host' },
  });
});

afterAll(async () => {
  await trail?.close();
  rmSync(dir, { recursive: true, force: true });
  // The witness folder sits beside the audit folder (witnessDirFor), so it goes too.
  rmSync(`${dir}-witness`, { recursive: true, force: true });
});

const dbBytes = () =>
  ['', '-wal'].reduce((sum, suffix) => {
    try {
      return sum + statSync(join(dir, AUDIT_DB_FILE + suffix)).size;
    } catch {
      return sum;
    }
  }, 0);

describe('refused bridge requests', () => {
  it('finding 4: 2,000 refused requests with 15 KB paths make a few small entries and do not bury the governance view', async () => {
    const runtime = testRuntime({}, { audit: trail });
    // What the governance lead is looking for: the record views before the flood.
    for (let i = 0; i < 50; i += 1)
      await trail.record({ type: 'scr.view', outcome: 'success', nhsNumber: '9000000009' });
    const { host } = await startTestHost(runtime);
    const before = dbBytes();
    const filler = `/9434765919/SMITH-John/${'A'.repeat(15 * 1024)}`;
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const statuses = new Map<number, number>();
    const started = Date.now();
    try {
      await Promise.all(
        Array.from({ length: 8 }, async (_, worker) => {
          for (let i = worker; i < 2_000; i += 8) {
            // Half as static paths, half as calls without the secret.
            const reply =
              i % 2 === 0
                ? await rawRequest(host.port, { path: filler, agent })
                : await rawRequest(host.port, {
                    method: 'POST',
                    path: `${hostPaths.invoke}?${filler.slice(1)}`,
                    headers: { origin: host.origin, 'content-type': 'application/json' },
                    body: '{}',
                    agent,
                  });
            statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
          }
        }),
      );
    } finally {
      agent.destroy();
      await closeTestHost(host);
    }
    const elapsedMs = Date.now() - started;
    expect(statuses.get(414)).toBe(2_000);

    const refused = runtime.audited.filter((entry) => entry.type === 'bridge.refused');
    // One entry per 10 s burst at most.
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBeLessThanOrEqual(1 + Math.ceil(elapsedMs / 10_000));
    const counted = refused.reduce((sum, entry) => sum + Number(entry.detail?.['count']), 0);
    expect(counted).toBe(2_000);
    for (const entry of refused) {
      const text = JSON.stringify(entry.detail);
      expect(text.length).toBeLessThan(400);
      expect(text).not.toMatch(/9434765919|943 476 5919|SMITH|John|AAAA/);
      expect(entry.detail?.['sample']).toMatch(/^(GET \/\*10\/\*10\/\*\d+|POST \/__smsp\/invoke\?\*\d+)$/);
    }
    // The database grew by a few kilobytes, not tens of megabytes.
    expect(dbBytes() - before).toBeLessThan(64 * 1024);
    // The governance lead's most recent 200 entries still show every record view.
    const page = await trail.reader.search({ page: 1, pageSize: 200 });
    expect(page.entries.filter((entry) => entry.type === 'scr.view')).toHaveLength(50);
    expect(page.entries.filter((entry) => entry.type === 'bridge.refused').length).toBe(refused.length);
  });
});
