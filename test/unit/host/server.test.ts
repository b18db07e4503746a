// The loopback test host: the per-launch secret and Origin on every call, the same CSP,
// events over WebSocket, and refusal of a live configuration.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { hostPaths, type RunningHost } from '../../../main/host/server';
import { testRuntime } from '../../support/runtime';
import { closeTestHost, closeTestHosts, startTestHost } from '../../support/test-host';

afterEach(closeTestHosts);

const start = startTestHost;
const closed = closeTestHost;

const call = (
  host: RunningHost,
  headers: Record<string, string>,
  body: unknown = { operation: 'app.info', input: {} },
) =>
  fetch(`${host.origin}${hostPaths.invoke}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('test host', () => {
  it('listens on 127.0.0.1 only, on a random port, with a 256-bit secret', async () => {
    const { host } = await start();
    expect(host.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(host.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(host.launchUrl).toMatch(new RegExp(`^${host.origin}/#launch=[0-9a-f]{64}$`));
  });

  it('answers a call that carries the secret from its own origin', async () => {
    const { host } = await start();
    const response = await call(host, { origin: host.origin, 'x-smsp-secret': host.secret });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      ok: true,
      value: { host: 'test-host', environment: 'training' },
    });
  });

  it.each([
    ['no secret', (h: RunningHost) => ({ origin: h.origin })],
    ['a wrong secret', (h: RunningHost) => ({ origin: h.origin, 'x-smsp-secret': 'a'.repeat(64) })],
    ['a malformed secret', (h: RunningHost) => ({ origin: h.origin, 'x-smsp-secret': h.secret.slice(2) })],
    ['a foreign origin', (h: RunningHost) => ({ origin: 'http://evil.example', 'x-smsp-secret': h.secret })],
    ['no origin', (h: RunningHost) => ({ 'x-smsp-secret': h.secret })],
  ])('refuses a call with %s (401, audited)', async (_label, headers) => {
    const { host, runtime } = await start();
    const response = await call(host, headers(host));
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'NOT_AUTHORISED' } });
    await closed(host);
    expect(runtime.audited).toContainEqual(
      expect.objectContaining({ type: 'bridge.refused', outcome: 'refused' }),
    );
  });

  it('parses every input with the contract', async () => {
    const { host } = await start();
    const headers = { origin: host.origin, 'x-smsp-secret': host.secret };
    expect(
      await (await call(host, headers, { operation: 'app.info', input: { x: 1 } })).json(),
    ).toMatchObject({ error: { code: 'INVALID_INPUT' } });
    expect(await (await call(host, headers, { operation: '__proto__', input: {} })).json()).toMatchObject({
      error: { code: 'UNKNOWN_OPERATION' },
    });
    const garbage = await fetch(`${host.origin}${hostPaths.invoke}`, {
      method: 'POST',
      headers,
      body: '{not json',
    });
    expect(garbage.status).toBe(400);
  });

  it('serves the renderer with the CSP and the browser twin before the app', async () => {
    const { host } = await start();
    const response = await fetch(host.url);
    expect(response.headers.get('content-security-policy')).toMatch(/^default-src 'none';/);
    expect(response.headers.get('content-security-policy')).toContain("connect-src 'self'");
    expect(await response.text()).toContain(`<head><script src="${hostPaths.twin}"></script>`);
    expect((await fetch(`${host.origin}/..%2f..%2fetc/passwd`)).status).toBe(404);
  });

  it('carries events over WebSocket only with the secret', async () => {
    const { host, runtime } = await start();
    const wsUrl = `ws://127.0.0.1:${host.port}${hostPaths.events}`;
    const refused = new WebSocket(wsUrl, ['smsp', 'smsp.' + 'b'.repeat(64)], { origin: host.origin });
    await new Promise<void>((resolve) => refused.on('error', () => resolve()));
    const socket = new WebSocket(wsUrl, ['smsp', `smsp.${host.secret}`], { origin: host.origin });
    await new Promise<void>((resolve, reject) => {
      socket.on('open', () => resolve());
      socket.on('error', reject);
    });
    expect(socket.protocol).toBe('smsp');
    const received = new Promise<unknown>((resolve) =>
      socket.on('message', (data) => resolve(JSON.parse(String(data)))),
    );
    runtime.services.events.emit('card.inserted', { label: 'PHARMACIST' });
    expect(await received).toEqual({ event: 'card.inserted', payload: { label: 'PHARMACIST' } });
    socket.close();
    await closed(host);
    const entries = runtime.audited.filter((entry) => entry.type === 'bridge.refused');
    expect(entries).toHaveLength(1);
    expect(entries[0]?.detail).toMatchObject({ count: 1, reasons: { events: 1 } });
  });

  it('refuses a live-environment configuration', async () => {
    await expect(start(testRuntime({ environment: 'live' }))).rejects.toThrow(
      /refuses a live-environment configuration/,
    );
  });
});
