// Synchronous SOAP through the real transport against the real sandbox over mutual TLS: business
// replies, business failures as contract codes, each injected fault kind as the user sees it, and
// the audit trail of every exchange.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPdsRetrieval, buildPdsSimpleTrace } from '../../../main/hl7/pds';
import {
  buildGetResourcePermissions,
  buildHasResourcePermissions,
  buildSetResourcePermissions,
} from '../../../main/hl7/acs';
import { buildScrEventListQuery, buildScrEventQuery } from '../../../main/hl7/psis';
import { parseHl7 } from '../../../main/hl7/parse';
import { foreignPki } from '../../spine-sandbox/certs';
import {
  call,
  makeSandbox,
  makeTransport,
  rejection,
  type SandboxUnderTest,
  type TransportUnderTest,
} from './harness';

let env: SandboxUnderTest;
let client: TransportUnderTest;

const retrieval = (nhsNumber: string) =>
  call('QUPA_IN000008UK02', (context) => buildPdsRetrieval(context, { nhsNumber }), nhsNumber);

beforeAll(async () => {
  env = await makeSandbox();
  client = await makeTransport(env.sandbox);
});

afterAll(async () => {
  await client?.close();
  await env?.close();
});

describe('synchronous SOAP against the sandbox', () => {
  it('retrieves a patient and audits the request and its outcome with the message id and NHS number', async () => {
    client.audited.length = 0;
    const request = retrieval('9000000009');
    const reply = await client.transport.request(request);
    const parsed = parseHl7(reply.hl7);
    expect(parsed.interactionId).toBe('QUPA_IN000009UK03');
    expect(reply.hl7).toContain('extension="9000000009"');
    expect(parsed.acknowledgement?.messageRef).toBe(reply.messageId);
    // The context the caller built with carries the routing values and the reply's message id.
    const context = request.contexts[0];
    expect(context?.messageId).toBe(reply.messageId);
    expect(context?.messageId).toMatch(/^[0-9A-F-]{36}$/);
    expect(context?.fromAsid).toBe(env.sandbox.clientAsid);
    expect(context?.toAsid).toBe(env.sandbox.spineAsid);
    expect(client.audited.map((e) => [e.type, e.outcome, e.messageId, e.nhsNumber, e.interactionId])).toEqual(
      [
        ['spine.request', 'info', reply.messageId, '9000000009', 'QUPA_IN000008UK02'],
        ['spine.response', 'success', reply.messageId, '9000000009', 'QUPA_IN000008UK02'],
      ],
    );
  });

  it('turns "not known to PDS" into PATIENT_NOT_FOUND with Spine\'s code, audited as refused', async () => {
    client.audited.length = 0;
    const error = await rejection(client.transport.request(retrieval('9111231130')));
    expect(error.code).toBe('PATIENT_NOT_FOUND');
    expect(error.message.length).toBeGreaterThan(20);
    expect(client.audited.at(-1)).toMatchObject({
      type: 'spine.response',
      outcome: 'refused',
      nhsNumber: '9111231130',
    });
  });

  it('sends a simple trace and gets the one match back', async () => {
    const reply = await client.transport
      .request(
        call('QUPA_IN000005UK01', (context) =>
          buildPdsSimpleTrace(context, {
            family: 'XXTESTPATIENT-TGNP',
            gender: 'female',
            birthDate: '1932-01-06',
          }),
        ),
      )
      .catch((error: Error & { code?: string }) => error);
    // Either a match or "no match" — both are business answers, never a transport failure.
    if (reply instanceof Error) expect(reply.code).toBe('PATIENT_NOT_FOUND');
    else expect(parseHl7(reply.hl7).interactionId).toBe('QUPA_IN000007UK01');
  });
});

describe('SCR and consent interactions (sync)', () => {
  it('lists the SCR events of a patient with an SCR and fetches the latest document', async () => {
    const list = await client.transport.request(
      call(
        'QUPC_IN180000SM04',
        (context) => buildScrEventListQuery(context, { nhsNumber: '9000000009' }),
        '9000000009',
      ),
    );
    const parsed = parseHl7(list.hl7);
    expect(parsed.interactionId).toBe('QUPC_IN200000SM04');
    const latest = parsed.documents[0];
    expect(latest?.id).toBeTruthy();
    const document = await client.transport.request(
      call(
        'QUPC_IN190000UK04',
        (context) => buildScrEventQuery(context, { nhsNumber: '9000000009', eventId: latest?.id ?? '' }),
        '9000000009',
      ),
    );
    expect(parseHl7(document.hl7).interactionId).toBe('QUPC_IN210000UK04');
  });

  it('reports a patient with no SCR as NO_SCR', async () => {
    const error = await rejection(
      client.transport.request(
        call(
          'QUPC_IN180000SM04',
          (context) => buildScrEventListQuery(context, { nhsNumber: '9000000033' }),
          '9000000033',
        ),
      ),
    );
    expect(error.code).toBe('NO_SCR');
  });

  it('reads consent, changes it, and reads the change back (ACS get/set/has)', async () => {
    const get = () =>
      client.transport.request(
        call(
          'GET_RESOURCE_PERMISSIONS_INUK01',
          (context) => buildGetResourcePermissions(context, { nhsNumber: '9000000009' }),
          '9000000009',
        ),
      );
    const before = await get();
    expect(parseHl7(before.hl7).interactionId).toBe('GET_RESOURCE_PERMISSIONS_RESPONSE_INUK01');
    const set = await client.transport.request(
      call(
        'SET_RESOURCE_PERMISSIONS_INUK01',
        (context) => buildSetResourcePermissions(context, { nhsNumber: '9000000009', state: 'no' }),
        '9000000009',
      ),
    );
    expect(parseHl7(set.hl7).acknowledgement?.type).toBe('AA');
    const after = parseHl7((await get()).hl7);
    expect(after.permissions.map((p) => p.permission)).toContain('No');
    const has = await client.transport.request(
      call(
        'HAS_RESOURCE_PERMISSIONS_INUK01',
        (context) => buildHasResourcePermissions(context, { nhsNumber: '9000000009' }),
        '9000000009',
      ),
    );
    expect(has.hl7).toContain('HAS_RESOURCE_PERMISSIONS');
    await client.transport.request(
      call('SET_RESOURCE_PERMISSIONS_INUK01', (context) =>
        buildSetResourcePermissions(context, { nhsNumber: '9000000009', state: 'ask' }),
      ),
    );
  });

  it('never resends a consent change after a retryable fault: the pharmacist is told to check', async () => {
    env.sandbox.setFaults([
      { kind: 'soap-fault', interaction: 'SET_RESOURCE_PERMISSIONS_INUK01', code: '200', times: 1 },
    ]);
    const error = await rejection(
      client.transport.request(
        call(
          'SET_RESOURCE_PERMISSIONS_INUK01',
          (context) => buildSetResourcePermissions(context, { nhsNumber: '9000000009', state: 'ask' }),
          '9000000009',
        ),
      ),
    );
    // Had it been resent, the one-shot fault would have let the second attempt succeed.
    expect(error.code).toBe('SPINE_UNAVAILABLE');
    expect(error.message).toMatch(/may have recorded it, so check before trying again/);
  });
});

describe('faults on the synchronous path', () => {
  it('resends a query after a retryable SOAP fault (200) and succeeds', async () => {
    env.sandbox.setFaults([{ kind: 'soap-fault', interaction: 'QUPA_IN000008UK02', code: '200', times: 1 }]);
    const reply = await client.transport.request(retrieval('9000000009'));
    expect(parseHl7(reply.hl7).interactionId).toBe('QUPA_IN000009UK03');
  });

  it('does not resend after a non-retryable SOAP fault (300): SPINE_ERROR with the Spine code', async () => {
    env.sandbox.setFaults([{ kind: 'soap-fault', interaction: 'QUPA_IN000008UK02', code: '300', times: 1 }]);
    const error = await rejection(client.transport.request(retrieval('9000000009')));
    expect(error.code).toBe('SPINE_ERROR');
    expect(error.kind).toBe('soap-fault');
    expect(error.message).toMatch(/error 300/);
  });

  it('reports a bare HTTP 503 as SPINE_UNAVAILABLE', async () => {
    env.sandbox.setFaults([{ kind: 'http-status', interaction: 'QUPA_IN000008UK02', status: 503, times: 1 }]);
    const error = await rejection(client.transport.request(retrieval('9000000009')));
    expect(error.code).toBe('SPINE_UNAVAILABLE');
    expect(error.kind).toBe('http-status');
  });

  it('reports a bare HTTP 413 as SPINE_ERROR naming the status', async () => {
    env.sandbox.setFaults([{ kind: 'http-status', interaction: 'QUPA_IN000008UK02', status: 413, times: 1 }]);
    const error = await rejection(client.transport.request(retrieval('9000000009')));
    expect(error.code).toBe('SPINE_ERROR');
    expect(error.kind).toBe('http-status');
    expect(error.message).toMatch(/HTTP 413/);
  });

  it('reports a malformed reply as SPINE_ERROR, not a crash', async () => {
    env.sandbox.setFaults([{ kind: 'malformed', interaction: 'QUPA_IN000008UK02', times: 1 }]);
    const error = await rejection(client.transport.request(retrieval('9000000009')));
    expect(error.code).toBe('SPINE_ERROR');
    expect(error.kind).toBe('malformed');
  });

  it('stops reading an oversized reply', async () => {
    env.sandbox.setFaults([
      { kind: 'oversized', interaction: 'QUPA_IN000008UK02', bytes: 6 * 1024 * 1024, times: 1 },
    ]);
    const error = await rejection(client.transport.request(retrieval('9000000009')));
    expect(error.code).toBe('SPINE_ERROR');
    expect(error.kind).toBe('malformed');
  });

  it('answers after added latency', async () => {
    env.sandbox.setFaults([{ kind: 'latency', interaction: 'QUPA_IN000008UK02', ms: 300, times: 1 }]);
    const started = Date.now();
    await client.transport.request(retrieval('9000000009'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('resends a query whose connection was reset, and succeeds', async () => {
    env.sandbox.setFaults([{ kind: 'reset', interaction: 'QUPA_IN000008UK02', times: 1 }]);
    const reply = await client.transport.request(retrieval('9000000009'));
    expect(parseHl7(reply.hl7).interactionId).toBe('QUPA_IN000009UK03');
  });

  it('gives up after the response timeout with the words a pharmacist sees', async () => {
    const quick = await makeTransport(env.sandbox, { responseTimeoutMs: 500 });
    try {
      env.sandbox.setFaults([{ kind: 'timeout', interaction: 'QUPA_IN000008UK02', ms: 3_000, times: 1 }]);
      const started = Date.now();
      const error = await rejection(quick.transport.request(retrieval('9000000009')));
      expect(Date.now() - started).toBeLessThan(2_500);
      expect(error.code).toBe('SPINE_TIMEOUT');
      expect(error.message).toBe('Spine did not answer in 0.5 s — try again; nothing was changed.');
    } finally {
      await quick.close();
      env.sandbox.clearFaults();
    }
  });
});

describe('TLS', () => {
  it('refuses a sandbox whose certificate is not from the pinned CA: TLS_ERROR, never retried', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'spine-foreign-'));
    try {
      const foreign = await foreignPki(dir);
      const wrong = await makeTransport(env.sandbox, {
        spine: { tls: { ca: foreign.caFile, cert: env.sandbox.clientCert, key: env.sandbox.clientKey } },
      });
      try {
        const error = await rejection(wrong.transport.request(retrieval('9000000009')));
        expect(error.code).toBe('TLS_ERROR');
        expect(error.message).toMatch(/could not be verified/);
        // One request audited, one failure: no silent retry, no fallback.
        expect(wrong.audited.filter((e) => e.type === 'spine.request')).toHaveLength(1);
        expect(wrong.audited.at(-1)).toMatchObject({ type: 'spine.response', outcome: 'failure' });
      } finally {
        await wrong.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('is refused by the sandbox when presenting a certificate from another CA', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'spine-foreign-'));
    try {
      const foreign = await foreignPki(dir);
      const wrong = await makeTransport(env.sandbox, {
        spine: { tls: { ca: env.sandbox.ca, cert: foreign.clientCertFile, key: foreign.clientKeyFile } },
      });
      try {
        const error = await rejection(wrong.transport.request(retrieval('9000000009')));
        // The sandbox speaks TLS 1.3, whose servers judge the client certificate after the
        // handshake: the refusal can only reach us as a reset (see test/unit/spine/http.test.ts).
        expect(['TLS_ERROR', 'SPINE_UNAVAILABLE']).toContain(error.code);
        expect(wrong.audited.at(-1)).toMatchObject({ type: 'spine.response', outcome: 'failure' });
      } finally {
        await wrong.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
