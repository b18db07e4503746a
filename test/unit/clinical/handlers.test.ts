// The clinical operations through the real dispatcher: each names its RBAC feature, so a role
// without the activity code is refused (and audited) before the clinical service is reached.
import { describe, expect, it } from 'vitest';
import { testRuntime } from '../../support/runtime';
import { handlers } from '../../../main/api/handlers';

const caller = { channel: 'test-host' as const, origin: 'http://127.0.0.1' };
const pharmacist = { jobRoleCode: 'S8000:G8000:R8003', activityCodes: ['B0264', 'B0401'] };

describe('clinical handlers', () => {
  it('declare the RBAC feature each operation needs', () => {
    expect(handlers['patients.search'].feature).toBe('patients.search');
    expect(handlers['scr.get'].feature).toBe('scr.view');
    expect(handlers['scr.decideAccess'].feature).toBe('scr.view');
    expect(handlers['consent.get'].feature).toBe('patients.search');
    expect(handlers['consent.set'].feature).toBe('consent.set');
    expect(handlers['gpSummary.upload'].feature).toBe('gpSummary.upload');
    expect(handlers['gpSummary.list'].feature).toBe('gpSummary.upload');
  });

  it('refuse consent.set and GP Summary upload to a pharmacy role, and audit the refusal', async () => {
    const runtime = testRuntime();
    runtime.signIn(pharmacist);
    const consent = await runtime.dispatch(
      'consent.set',
      { nhsNumber: '9000000009', state: 'No', confirmed: true },
      caller,
    );
    expect(consent).toMatchObject({ ok: false, error: { code: 'NOT_AUTHORISED' } });
    const upload = await runtime.dispatch('gpSummary.list', {}, caller);
    expect(upload).toMatchObject({ ok: false, error: { code: 'NOT_AUTHORISED' } });
    expect(runtime.audited.map((event) => event.type)).toEqual(['access.refused', 'access.refused']);
  });

  it('refuse an access decision without the legitimate-relationship confirmation', async () => {
    const runtime = testRuntime();
    runtime.signIn(pharmacist);
    const result = await runtime.dispatch(
      'scr.decideAccess',
      {
        nhsNumber: '9000000009',
        legitimateRelationship: false,
        basis: { kind: 'permission', mode: 'this-visit' },
      },
      caller,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('refuse an emergency access decision without a reason', async () => {
    const runtime = testRuntime();
    runtime.signIn({ ...pharmacist, activityCodes: [...pharmacist.activityCodes, 'B0168'] });
    const result = await runtime.dispatch(
      'scr.decideAccess',
      { nhsNumber: '9000000009', legitimateRelationship: true, basis: { kind: 'emergency', reason: '   ' } },
      caller,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });
});
