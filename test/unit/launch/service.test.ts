// The one launch handler (issue 14) against the real clinical service over an in-memory Spine:
// each session state, the date-of-birth cross-check, the change-of-patient question, the
// waiting request and what drops it, the rate limit, and what the caller is (not) told.
import { describe, expect, it } from 'vitest';
import type { AuthState } from '../../../preload/contract';
import { createLaunchService, type LaunchService } from '../../../main/launch/service';
import { silentLogger } from '../../../main/log/logger';
import { harness, ordinary, pharmacist, restricted, type Harness } from './../clinical/fakes';

const url = (query: string) => `scr-desktop://patient?${query}`;
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup(options: { perMinute?: number } = {}) {
  const h = harness();
  let clock = Date.parse('2026-12-03T09:00:00Z');
  const launch = createLaunchService({
    session: h.session,
    clinical: h.service,
    audit: { record: async (event) => ({ sequence: h.timeline.push({ kind: 'audit', event }) }) },
    events: h.events,
    log: silentLogger,
    perMinute: options.perMinute ?? 10,
    now: () => clock,
  });
  const changed = () => h.events.emit('session.changed', h.session.state() as AuthState);
  return {
    h,
    launch,
    advance: (ms: number) => (clock += ms),
    changed,
    launchAudit: () => h.audited().filter((e) => e.type === 'launch.request'),
    spineCalls: () => h.timeline.filter((s) => s.kind === 'spine'),
  };
}

async function lockedWithRequest(h: Harness, launch: LaunchService) {
  h.signIn('U1', pharmacist);
  h.setLocked(true);
  return launch.handleUrl(url('nhsNumber=9000000009&source=Riverside%20PMR'), 'local-channel');
}

describe('in-context launch service', () => {
  it('HAZ-085: signed in with no patient: retrieves in the user’s name, audits the source, opens — and tells the caller nothing about the patient', async () => {
    const { h, launch, launchAudit } = setup();
    h.signIn('U1', pharmacist);
    const result = await launch.handleUrl(
      url('nhsNumber=9000000009&source=Riverside%20PMR'),
      'local-channel',
    );
    expect(result.outcome).toBe('opened');
    expect(JSON.stringify(result)).not.toMatch(/Smith|Jane|1968|Leeds/);
    expect(h.service.current()?.nhsNumber).toBe('9000000009');
    const retrieval = h.audited().find((e) => e.type === 'patient.open' && e.outcome === 'success');
    expect(retrieval?.detail).toMatchObject({ openedAtTheRequestOf: 'Riverside PMR' });
    expect(launchAudit()).toEqual([
      expect.objectContaining({
        outcome: 'success',
        nhsNumber: '9000000009',
        detail: expect.objectContaining({
          source: 'Riverside PMR',
          result: 'opened',
          route: 'local-channel',
        }),
      }),
    ]);
    expect(launch.notice()).toEqual({ kind: 'opened', source: 'Riverside PMR', nhsNumber: '9000000009' });
    // No access decision comes with it: the SCR is still refused until the user decides.
    await expect(h.service.getScr('9000000009')).rejects.toMatchObject({ code: 'ACCESS_DECISION_REQUIRED' });
  });

  it('refuses an invalid NHS number before anything is sent to Spine, and audits it', async () => {
    const { h, launch, launchAudit, spineCalls } = setup();
    h.signIn('U1', pharmacist);
    const result = await launch.handleUrl(url('nhsNumber=9000000008&source=PMR'), 'second-instance');
    expect(result).toEqual({ outcome: 'refused', message: expect.stringMatching(/check digit/) });
    expect(spineCalls()).toEqual([]);
    expect(launchAudit()[0]).toMatchObject({ outcome: 'refused', detail: { result: 'refused' } });
    expect(launch.notice()).toMatchObject({ kind: 'refused', message: expect.stringMatching(/check digit/) });
  });

  it('HAZ-082: a date of birth PDS does not hold opens nothing and says the details do not match', async () => {
    const { h, launch, launchAudit } = setup();
    h.signIn('U1', pharmacist);
    const result = await launch.handleUrl(url('nhsNumber=9000000009&dob=1968-02-15'), 'local-channel');
    expect(result).toEqual({ outcome: 'refused', message: 'Not opened: the user has been told why.' });
    expect(h.service.current()).toBeNull();
    expect(launch.notice()).toMatchObject({
      kind: 'refused',
      message: expect.stringMatching(/^The details do not match/),
    });
    expect(launchAudit()[0]?.detail).toMatchObject({ why: 'date of birth does not match PDS' });
    const ok = await launch.handleUrl(url(`nhsNumber=9000000009&dob=${ordinary.birthDate}`), 'local-channel');
    expect(ok.outcome).toBe('opened');
  });

  it('HAZ-084: another patient open: asks before changing, and changes only when the user says so', async () => {
    const { h, launch, launchAudit } = setup();
    h.signIn('U1', [...pharmacist, 'B1611']);
    await h.service.open('9000000025');
    const result = await launch.handleUrl(url('nhsNumber=9000000009&source=PMR'), 'local-channel');
    expect(result.outcome).toBe('confirm');
    expect(JSON.stringify(result)).not.toMatch(/Smith|Hidden/);
    expect(h.service.current()?.nhsNumber).toBe('9000000025');
    expect(launch.notice()).toMatchObject({
      kind: 'confirm',
      current: { nhsNumber: '9000000025', name: { family: restricted.name.family } },
      next: { nhsNumber: '9000000009', name: { family: 'Smith' } },
    });
    expect(await launch.answer(false)).toBeNull();
    expect(h.service.current()?.nhsNumber).toBe('9000000025');
    await launch.handleUrl(url('nhsNumber=9000000009&source=PMR'), 'local-channel');
    expect((await launch.answer(true))?.nhsNumber).toBe('9000000009');
    expect(h.service.current()?.nhsNumber).toBe('9000000009');
    expect(launchAudit().map((e) => e.detail?.['result'])).toEqual([
      'confirm',
      'declined',
      'confirm',
      'opened',
    ]);
  });

  it('locked: waits, names only the number, and opens after the same user unlocks', async () => {
    const { h, launch, changed, spineCalls } = setup();
    const result = await lockedWithRequest(h, launch);
    expect(result.outcome).toBe('waiting');
    expect(spineCalls()).toEqual([]);
    expect(launch.notice()).toEqual({
      kind: 'waiting',
      source: 'Riverside PMR',
      nhsNumber: '9000000009',
      expiresAt: '2026-12-03T09:05:00.000Z',
    });
    h.setLocked(false);
    changed();
    await settle();
    await settle();
    expect(h.service.current()?.nhsNumber).toBe('9000000009');
    expect(launch.notice()).toMatchObject({ kind: 'opened' });
  });

  it('HAZ-083: a waiting request is dropped when a different card is inserted or another user signs in', async () => {
    const { h, launch, changed, launchAudit } = setup();
    h.events.emit('card.inserted', { label: 'PHARMACIST' });
    await lockedWithRequest(h, launch);
    h.events.emit('card.inserted', { label: 'LOCUM' });
    await settle();
    expect(launch.notice()).toBeNull();
    h.signIn('U2', pharmacist);
    changed();
    await settle();
    expect(h.service.current()).toBeNull();
    expect(launchAudit().at(-1)?.detail).toMatchObject({
      result: 'dropped',
      why: 'a different card was inserted',
    });

    const second = setup();
    await second.h.endSession();
    await second.launch.handleUrl(url('nhsNumber=9000000009'), 'local-channel');
    second.h.signIn('U1', pharmacist); // whoever signs in first takes the request
    second.changed();
    await settle();
    await settle();
    expect(second.h.service.current()?.nhsNumber).toBe('9000000009');
  });

  it('HAZ-083: signed out: waits at most 5 minutes', async () => {
    const { h, launch, advance, changed, launchAudit } = setup();
    const result = await launch.handleUrl(url('nhsNumber=9000000009&source=PMR'), 'local-channel');
    expect(result.outcome).toBe('waiting');
    advance(5 * 60_000 + 1);
    expect(launch.notice()).toBeNull();
    h.signIn('U1', pharmacist);
    changed();
    await settle();
    expect(h.service.current()).toBeNull();
    expect(launchAudit().at(-1)?.detail).toMatchObject({
      result: 'dropped',
      why: 'not opened within 5 minutes',
    });
  });

  it('tells a role without B0264 in words that it cannot open patients', async () => {
    const { h, launch } = setup();
    h.signIn('U3', ['B0011']);
    const result = await launch.handleUrl(url('nhsNumber=9000000009'), 'local-channel');
    expect(result).toEqual({
      outcome: 'refused',
      message: 'Refused: the signed-in user’s role cannot open patients.',
    });
    expect(launch.notice()).toMatchObject({
      kind: 'refused',
      message: expect.stringMatching(/^Your selected role cannot open patients/),
    });
  });

  it('refuses requests beyond the limit a minute, across all sources, and takes them again a minute later', async () => {
    const { h, launch, advance, launchAudit } = setup({ perMinute: 3 });
    h.signIn('U1', pharmacist);
    const sources = ['A', 'B', 'C', 'D'];
    const outcomes = [];
    for (const source of sources)
      outcomes.push(
        (await launch.handleUrl(url(`nhsNumber=9000000009&source=${source}`), 'local-channel')).outcome,
      );
    expect(outcomes).toEqual(['opened', 'opened', 'opened', 'refused']);
    // A flood is counted, not written entry by entry: one entry per 10 s burst.
    for (let i = 0; i < 20; i += 1) await launch.handleUrl(url('nhsNumber=9000000009'), 'local-channel');
    advance(10_001);
    await launch.handleUrl(url('nhsNumber=9000000009'), 'local-channel');
    const limited = launchAudit().filter((e) => e.detail?.['why'] === 'rate limit');
    expect(limited.map((e) => e.detail?.['alsoRefusedBefore'])).toEqual([undefined, '20']);
    advance(60_001);
    expect((await launch.handleUrl(url('nhsNumber=9000000009'), 'local-channel')).outcome).toBe('opened');
  });

  it('reads a command line through the same path, and ignores one that asks for no patient', async () => {
    const { h, launch } = setup();
    h.signIn('U1', pharmacist);
    expect(await launch.handleArgs(['/opt/scr-desktop', '--no-sandbox'], 'command-line')).toBeNull();
    expect(
      (
        await launch.handleArgs(
          ['/opt/scr-desktop', '--nhs-number', '9000000009', '--source', 'PMR'],
          'second-instance',
        )
      )?.outcome,
    ).toBe('opened');
  });
});

describe('launch.* operations through the dispatcher', () => {
  const caller = { channel: 'test-host' as const, origin: 'test' };

  it('gives the waiting notice before sign-in, but changing patient needs a role with B0264', async () => {
    const { testRuntime } = await import('../../support/runtime');
    const runtime = testRuntime();
    expect(await runtime.dispatch('launch.notice', {}, caller)).toEqual({ ok: true, value: null });
    await runtime.services.launch.handleUrl(url('nhsNumber=9000000009&source=PMR'), 'local-channel');
    expect(await runtime.dispatch('launch.notice', {}, caller)).toMatchObject({
      ok: true,
      value: { kind: 'waiting', nhsNumber: '9000000009', source: 'PMR' },
    });
    expect(await runtime.dispatch('launch.answer', { open: true }, caller)).toMatchObject({ ok: false });
    expect(await runtime.dispatch('launch.answer', { open: 'yes' }, caller)).toMatchObject({ ok: false });
    await runtime.close();
  });
});
