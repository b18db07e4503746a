// Routing and reliability configuration: SDS-style durations, defaults from the hl7 interactions
// table, per-interaction overrides, and errors that name the key an administrator must set.
import { describe, expect, it } from 'vitest';
import { durationMs, parseSpineConfig, resolveRoute } from '../../../main/spine/config';

const base = {
  baseUrl: 'https://spine.example.nhs.uk',
  spineAsid: '928942012545',
  partyKey: 'A91424-9199121',
  spinePartyKey: 'YES-0000806',
};

describe('spine config', () => {
  it('reads SDS durations', () => {
    expect(durationMs('PT1M')).toBe(60_000);
    expect(durationMs('PT5M')).toBe(300_000);
    expect(durationMs('PT1.5S')).toBe(1_500);
    expect(durationMs('P1DT1H')).toBe(25 * 3_600_000);
    expect(durationMs(250)).toBe(250);
    expect(() => parseSpineConfig({ defaults: { retryInterval: 'one minute' } })).toThrow(
      /"spine.defaults.retryInterval"/,
    );
  });

  it('routes sync interactions to /sync-service with SOAPAction = service/interaction', () => {
    const route = resolveRoute({ asid: '200000001115' }, parseSpineConfig(base), 'QUPA_IN000008UK02');
    expect(route).toMatchObject({
      pattern: 'sync',
      endpoint: 'https://spine.example.nhs.uk/sync-service',
      action: 'urn:nhs:names:services:pdsquery/QUPA_IN000008UK02',
      ourAsid: '200000001115',
      spineAsid: '928942012545',
      retries: 0,
    });
  });

  it('routes a reliable upload with SDS reliability defaults (2 retries, PT1M, PT5M) and its CPA id', () => {
    const inbound = parseSpineConfig({ ...base, replies: 'inbound' });
    const route = resolveRoute({ asid: '200000001115' }, inbound, 'REPC_IN150016UK05');
    expect(route).toMatchObject({
      pattern: 'async-reliable',
      reliable: true,
      endpoint: 'https://spine.example.nhs.uk/reliablemessaging/reliablerequest',
      service: 'urn:nhs:names:services:psis',
      cpaId: 'S20001A000182',
      retries: 2,
      retryIntervalMs: 60_000,
      persistDurationMs: 300_000,
      syncReplyMode: 'MSHSignalsOnly',
      fromPartyKey: 'A91424-9199121',
      toPartyKey: 'YES-0000806',
    });
    expect(resolveRoute({ asid: '200000001115' }, inbound, 'QUPC_IN160101UK05').endpoint).toBe(
      'https://spine.example.nhs.uk/reliablemessaging/queryrequest',
    );
  });

  it('sends async messages to a separate sync-async façade when one is configured', () => {
    const facade = parseSpineConfig({ ...base, paths: { facade: '/clinical' } });
    const route = resolveRoute({ asid: '200000001115' }, facade, 'QUPC_IN160101UK05');
    expect(route.endpoint).toBe('https://spine.example.nhs.uk/clinical');
    expect(route.reliable).toBe(false);
    // Without one, polling follows the Content-Location the query endpoint answers with.
    expect(resolveRoute({ asid: '200000001115' }, parseSpineConfig(base), 'QUPC_IN160101UK05').endpoint).toBe(
      'https://spine.example.nhs.uk/reliablemessaging/queryrequest',
    );
  });

  it('lets SDS values per interaction override the defaults', () => {
    const config = parseSpineConfig({
      ...base,
      defaults: { retries: 1 },
      interactions: {
        REPC_IN150016UK05: {
          retries: 4,
          retryInterval: 'PT30S',
          endpoint: 'https://other.example/rr',
          cpaId: 'X1',
        },
      },
    });
    const route = resolveRoute({ asid: '200000001115' }, config, 'REPC_IN150016UK05');
    expect(route).toMatchObject({
      retries: 4,
      retryIntervalMs: 30_000,
      endpoint: 'https://other.example/rr',
      cpaId: 'X1',
    });
    expect(resolveRoute({ asid: '200000001115' }, config, 'QUPA_IN000008UK02').retries).toBe(1);
  });

  it('names every missing setting', () => {
    expect(() => resolveRoute({}, parseSpineConfig({}), 'REPC_IN150016UK05')).toThrow(
      'Spine is not configured for REPC_IN150016UK05: set spine.baseUrl, asid, spine.spineAsid, spine.partyKey, spine.spinePartyKey in the admin configuration.',
    );
    expect(() => resolveRoute({ asid: '200000001115' }, parseSpineConfig(base), 'QUPA_IN999999UK99')).toThrow(
      /not known/,
    );
  });

  it('refuses plain HTTP for Spine', () => {
    expect(() => parseSpineConfig({ baseUrl: 'http://spine.example.nhs.uk' })).toThrow(
      /"spine.baseUrl".*HTTPS/,
    );
  });
});
