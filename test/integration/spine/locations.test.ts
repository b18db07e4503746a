// Issue 12 finding 7 on the Spine side: a poll location (the façade's Content-Location, or the one
// stored in the outbox) that is not HTTPS on the configured Spine host is refused before any
// connection is made, and audited. The real transport against the real sandbox over mutual TLS.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPsisDocumentListRequest } from '../../../main/hl7/psis';
import { pollLocationProblem } from '../../../main/spine/locations';
import {
  call,
  gpSummaryCall,
  makeSandbox,
  makeTransport,
  rejection,
  type SandboxUnderTest,
  type TransportUnderTest,
} from './harness';

let env: SandboxUnderTest;
let client: TransportUnderTest;
let elsewhere: Server;
let hits = 0;
let spineHost: string;

beforeAll(async () => {
  env = await makeSandbox();
  client = await makeTransport(env.sandbox, {
    retries: 0,
    retryIntervalMs: 100,
    persistDurationMs: 20_000,
    pollBudgetMs: 5_000,
  });
  spineHost = new URL(env.sandbox.url).host;
  // Where a tampered location would send the poll: a plain-HTTP server that counts visits.
  elsewhere = createServer((_req, res) => {
    hits += 1;
    res.writeHead(200).end('<not-spine/>');
  });
  await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await client?.close();
  await env?.close();
  await new Promise<void>((resolve) => elsewhere?.close(() => resolve()));
});

const documentList = (nhsNumber: string) =>
  call('QUPC_IN160101UK05', (context) => buildPsisDocumentListRequest(context, { nhsNumber }), nhsNumber);

describe('poll locations', () => {
  it('finding 7: HAZ-070 refuses a plain-HTTP or foreign Content-Location, never connects to it, and audits it', async () => {
    const port = (elsewhere.address() as AddressInfo).port;
    const spinePort = new URL(env.sandbox.url).port;
    const cases = [
      [`http://127.0.0.1:${port}/_poll/x`, /not HTTPS \(http\)/, `127.0.0.1:${port}`],
      [`http://${spineHost}/_poll/x`, /not HTTPS \(http\)/, spineHost],
      [`https://localhost:${spinePort}/_poll/x`, /not on the Spine host/, `localhost:${spinePort}`],
    ] as const;
    for (const [location, why, host] of cases) {
      env.sandbox.setFaults([
        { kind: 'poll-location', interaction: 'QUPC_IN160101UK05', location, times: 1 },
      ]);
      const error = await rejection(client.transport.request(documentList('9000000009')));
      expect(error.code).toBe('SPINE_ERROR');
      expect(error.message).toMatch(why);
      expect(client.audited).toContainEqual(
        expect.objectContaining({
          type: 'spine.location-refused',
          outcome: 'refused',
          interactionId: 'QUPC_IN160101UK05',
          detail: expect.objectContaining({ host }),
        }),
      );
    }
    expect(hits).toBe(0);
    // The genuine location still works.
    env.sandbox.setFaults([]);
    await expect(client.transport.request(documentList('9000000009'))).resolves.toBeTruthy();
  });

  it('finding 7: HAZ-070 a reliable upload whose stored poll location is foreign fails, is audited and is not polled', async () => {
    const port = (elsewhere.address() as AddressInfo).port;
    env.sandbox.setFaults([
      {
        kind: 'poll-location',
        interaction: 'REPC_IN150016UK05',
        location: `http://127.0.0.1:${port}/_poll/upload`,
        times: 1,
      },
    ]);
    const item = await client.transport.enqueue(gpSummaryCall('9000000009'));
    const settled = await client.transport.settle(item.id, 15_000);
    expect(settled.state).toBe('failed');
    expect(settled.message).toMatch(/reply location was refused: it is not HTTPS/);
    expect(hits).toBe(0);
    expect(client.audited).toContainEqual(
      expect.objectContaining({ type: 'spine.location-refused', messageId: item.messageId }),
    );
  });

  it('finding 7: accepts only HTTPS on the same host and port, without credentials', () => {
    const endpoint = 'https://msg.spine.example:443/reliablemessaging/queryrequest';
    expect(pollLocationProblem('https://msg.spine.example/_poll/1', endpoint)).toBeNull();
    expect(pollLocationProblem('https://msg.spine.example:8443/_poll/1', endpoint)).toMatch(/Spine host/);
    expect(pollLocationProblem('https://user:pw@msg.spine.example/_poll/1', endpoint)).toMatch(/password/);
    expect(pollLocationProblem('ftp://msg.spine.example/x', endpoint)).toMatch(/not HTTPS \(ftp\)/);
    expect(pollLocationProblem('::', endpoint)).toMatch(/not an address/);
  });
});
