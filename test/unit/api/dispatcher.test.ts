// The dispatcher: RBAC checked in main before any handler runs, and errors that never leak.
import { describe, expect, it } from 'vitest';
import { permits, permittedFeatures, roleHasAccess } from '../../../main/auth/rbac';
import { testRuntime } from '../../support/runtime';

const caller = { channel: 'test-host' as const, origin: 'test' };
const pharmacist = { jobRoleCode: 'S8000:G8000:R1290', activityCodes: ['B0264', 'B0370', 'B0401', 'B0168'] };

describe('dispatcher', () => {
  it('serves operations open before sign-in', async () => {
    const runtime = testRuntime();
    expect(await runtime.dispatch('auth.state', {}, caller)).toMatchObject({
      ok: true,
      value: { stage: 'no-card' },
    });
    expect(await runtime.dispatch('app.info', undefined, caller)).toMatchObject({ ok: true });
  });

  it('refuses unknown operations, including prototype keys', async () => {
    const runtime = testRuntime();
    for (const name of ['constructor', '__proto__', 'toString', 42, null]) {
      expect(await runtime.dispatch(name, {}, caller)).toMatchObject({
        ok: false,
        error: { code: 'UNKNOWN_OPERATION' },
      });
    }
  });
});

describe('RBAC table', () => {
  it('grants a pharmacist search and SCR view but not consent, upload or audit', () => {
    expect(permits(pharmacist, 'patients.search')).toBe(true);
    expect(permits(pharmacist, 'scr.view')).toBe(true);
    expect(permits(pharmacist, 'scr.emergencyAccess')).toBe(true);
    expect(permits(pharmacist, 'patients.searchByPostcode')).toBe(false);
    expect(permits(pharmacist, 'consent.set')).toBe(false);
    expect(permits(pharmacist, 'gpSummary.upload')).toBe(false);
    expect(permits(pharmacist, 'audit.view')).toBe(false);
  });

  it('needs B0020 together with B0380, B8028 or B8029 to set consent', () => {
    const role = (codes: string[]) => ({ jobRoleCode: 'S0:G0:R8000', activityCodes: codes });
    expect(permits(role(['B0020']), 'consent.set')).toBe(false);
    expect(permits(role(['B0380']), 'consent.set')).toBe(false);
    expect(permits(role(['B0020', 'B8028']), 'consent.set')).toBe(true);
    expect(permits(role(['B8029']), 'gpSummary.upload')).toBe(true);
  });

  it('lets the privacy officer role or B0011 read the audit trail', () => {
    expect(permits({ jobRoleCode: 'S8000:G8000:R0001', activityCodes: [] }, 'audit.view')).toBe(true);
    expect(permits({ jobRoleCode: 'S8000:G8000:R8000', activityCodes: ['B0011'] }, 'audit.view')).toBe(true);
    expect(permits({ jobRoleCode: 'S8000:G8000:R00011', activityCodes: [] }, 'audit.view')).toBe(false);
    // The Estate view (issue 16): the privacy officer only, R0001 AND B0011.
    expect(permits({ jobRoleCode: 'S8000:G8000:R0001', activityCodes: ['B0011'] }, 'estate.view')).toBe(true);
    expect(permits({ jobRoleCode: 'S8000:G8000:R0001', activityCodes: [] }, 'estate.view')).toBe(false);
    expect(permits({ jobRoleCode: 'S8000:G8000:R8000', activityCodes: ['B0011'] }, 'estate.view')).toBe(
      false,
    );
  });

  it('says a role with no relevant codes has no access', () => {
    expect(roleHasAccess({ jobRoleCode: 'S0:G0:R9999', activityCodes: ['B0572'] })).toBe(false);
    expect(permittedFeatures(pharmacist)).toEqual(['patients.search', 'scr.view', 'scr.emergencyAccess']);
  });
});
