// The launcher's doorway (test/tools/doorway.ts): Chromium is opened on it while the host starts,
// and the first request is sent on to the host's single-use launch address once it is ready.
// Nobody else ever gets that address from it.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { openDoorway, type Doorway } from '../../tools/doorway';

interface Answer {
  readonly status: number;
  readonly location: string | undefined;
  readonly cache: string | undefined;
  readonly body: string;
}

function get(url: string, options: { path?: string; host?: string; method?: string } = {}): Promise<Answer> {
  const target = new URL(url);
  return new Promise((resolveAnswer, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: target.port,
        path: options.path ?? '/',
        method: options.method ?? 'GET',
        headers: { Host: options.host ?? target.host },
        agent: false,
      },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () =>
          resolveAnswer({
            status: response.statusCode ?? 0,
            location: response.headers.location,
            cache: response.headers['cache-control'],
            body,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const target = 'http://127.0.0.1:45395/#launch=3cc906fe31cf13779fbcfc86592f87ce';
let doorway: Doorway | null = null;
afterEach(async () => {
  await doorway?.close();
  doorway = null;
});

describe('the launcher doorway', () => {
  it('holds the browser while the host starts, then sends it on to the launch address once', async () => {
    doorway = await openDoorway();
    expect(doorway.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const first = get(doorway.url);
    const second = get(doorway.url);
    await new Promise((done) => setTimeout(done, 50));
    doorway.open(target);
    const answers = await Promise.all([first, second]);
    const sentOn = answers.filter((answer) => answer.status === 303);
    expect(sentOn).toHaveLength(1);
    expect(sentOn[0]?.location).toBe(target);
    expect(sentOn[0]?.cache).toBe('no-store');
    const other = answers.find((answer) => answer.status !== 303);
    expect(other?.status).toBe(410);
    expect(other?.body).toContain('already been used');
    // Once used it is gone: a later request reaches nothing.
    await expect(get(doorway.url)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('sends on a browser that arrives after the host is ready', async () => {
    doorway = await openDoorway();
    doorway.open(target);
    const answer = await get(doorway.url);
    expect(answer.status).toBe(303);
    expect(answer.location).toBe(target);
  });

  it('answers nothing but GET / with its own Host, and what it refuses does not use it up', async () => {
    doorway = await openDoorway();
    doorway.open(target);
    expect((await get(doorway.url, { host: 'evil.example:80' })).status).toBe(421);
    expect((await get(doorway.url, { host: `localhost:${new URL(doorway.url).port}` })).status).toBe(421);
    expect((await get(doorway.url, { path: '/favicon.ico' })).status).toBe(404);
    expect((await get(doorway.url, { method: 'POST' })).status).toBe(404);
    expect((await get(doorway.url)).location).toBe(target);
  });

  it('holds only a few requests while the host starts', async () => {
    doorway = await openDoorway({ maxWaiting: 2 });
    const held = [get(doorway.url), get(doorway.url)];
    await new Promise((done) => setTimeout(done, 50));
    const refused = await get(doorway.url);
    expect(refused.status).toBe(503);
    doorway.open(target);
    expect((await Promise.all(held)).map((answer) => answer.status).sort()).toEqual([303, 410]);
  });

  it('closes by itself when nobody comes after the host is ready', async () => {
    doorway = await openDoorway({ unusedMs: 50 });
    doorway.open(target);
    await new Promise((done) => setTimeout(done, 150));
    await expect(get(doorway.url)).rejects.toThrow(/ECONNREFUSED/);
  });
});
