// Issue 12 finding 7 at the test host: the address printed or handed to Chromium carries a
// single-use launch token that expires after 30 s, never the secret; and only requests that name
// the host as 127.0.0.1:PORT or localhost:PORT are served (DNS rebinding).
import { afterEach, describe, expect, it } from 'vitest';
import { hostPaths, type HostOptions, type RunningHost } from '../../../main/host/server';
import { LaunchTokens } from '../../../main/host/launch-tokens';
import { testRuntime } from '../../support/runtime';
import { closeTestHost, closeTestHosts, startTestHost } from '../../support/test-host';
import { rawRequest } from '../../support/raw-http';

afterEach(closeTestHosts);

async function start(extra: Partial<HostOptions> = {}) {
  const { host, runtime } = await startTestHost(testRuntime(), extra);
  return { host, runtime, close: () => closeTestHost(host) };
}

const tokenOf = (launchUrl: string) => /#launch=([0-9a-f]{64})$/.exec(launchUrl)?.[1] ?? '';

const exchange = (host: RunningHost, token: string, origin = host.origin) =>
  fetch(`${host.origin}${hostPaths.session}`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });

describe('test host launch and Host header', () => {
  it('finding 7: the launch address carries a single-use token, exchanged once for the secret', async () => {
    const { host, runtime, close } = await start();
    expect(host.launchUrl).not.toContain(host.secret);
    const token = tokenOf(host.launchUrl);
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    const first = await exchange(host, token);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ secret: host.secret });
    // Spent: whoever reads the address afterwards (e.g. from /proc/PID/cmdline) gets nothing.
    const again = await exchange(host, token);
    expect(again.status).toBe(401);
    expect(await again.text()).not.toContain(host.secret);
    // A token from another origin's page is refused too, and spends nothing it did not have.
    expect((await exchange(host, tokenOf(host.issueLaunchUrl()), 'http://evil.example')).status).toBe(401);
    await close();
    expect(runtime.audited).toContainEqual(
      expect.objectContaining({
        type: 'bridge.refused',
        detail: expect.objectContaining({ count: 2, reasons: { 'launch-token': 1, origin: 1 } }),
      }),
    );
  });

  it('finding 7: a launch token expires after its lifetime (30 s by default)', async () => {
    let now = 1_000_000;
    const tokens = new LaunchTokens(undefined, () => now);
    const late = tokens.issue();
    const prompt = tokens.issue();
    now += 30_000;
    expect(tokens.redeem(prompt)).toBe(true);
    now += 1;
    expect(tokens.redeem(late)).toBe(false);
    expect(tokens.redeem('0'.repeat(64))).toBe(false);

    const { host } = await start({ launchTokenTtlMs: 50 });
    const token = tokenOf(host.launchUrl);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect((await exchange(host, token)).status).toBe(401);
  });

  it('finding 7: serves only requests that name it 127.0.0.1:PORT or localhost:PORT', async () => {
    const { host, runtime, close } = await start();
    const ok = await rawRequest(host.port, { path: '/' });
    expect(ok.status).toBe(200);
    expect(
      (await rawRequest(host.port, { path: '/', headers: { host: `localhost:${host.port}` } })).status,
    ).toBe(200);
    for (const name of [
      `evil.example:${host.port}`,
      '127.0.0.1',
      `127.0.0.1:${host.port + 1}`,
      `[::1]:${host.port}`,
    ])
      expect((await rawRequest(host.port, { path: '/', headers: { host: name } })).status).toBe(421);
    // Even with the secret and the right Origin, a rebound name reaches no operation.
    const call = await rawRequest(host.port, {
      method: 'POST',
      path: hostPaths.invoke,
      headers: {
        host: `evil.example:${host.port}`,
        origin: host.origin,
        'x-smsp-secret': host.secret,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ operation: 'app.info', input: {} }),
    });
    expect(call.status).toBe(421);
    expect(call.body).not.toContain('test-host');
    await close();
    expect(runtime.audited.filter((entry) => entry.type === 'bridge.refused')).toEqual([
      expect.objectContaining({ detail: expect.objectContaining({ count: 5, reasons: { host: 5 } }) }),
    ]);
  });
});
