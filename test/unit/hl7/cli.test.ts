// `npm run --silent smsp -- hl7 parse FILE`, run as a user runs it: one JSON object with the
// issue-3 shape on stdout and exit 0; unparseable input → one line on stderr and exit 2.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURE_ROOT } from './fixtures';

const dir = mkdtempSync(join(tmpdir(), 'smsp-hl7-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function smsp(...args: string[]) {
  const result = spawnSync('npm', ['run', '--silent', 'smsp', '--', 'hl7', ...args], {
    cwd: join(FIXTURE_ROOT, '../../..'),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('smsp hl7 parse', () => {
  it('prints the issue-3 JSON shape for a captured SOAP reply', () => {
    const { code, stdout, stderr } = smsp(
      'parse',
      join(
        FIXTURE_ROOT,
        'NHSDigital__summary-care-record-api/docker__service__src__main__resources__mock-spine__event-query__success.xml',
      ),
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as Record<string, unknown> & {
      hl7: Record<string, unknown> & {
        gpSummary: Record<string, unknown> & { entries: Record<string, unknown>[] };
      };
    };
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['envelope', 'soap', 'ebxml', 'fault', 'hl7']));
    expect(json.envelope).toBe('soap');
    expect(json.soap).toEqual({
      action: 'urn:nhs:names:services:psisquery/QUPC_IN210000UK04',
      messageId: 'D2A87C77-6A9E-11EB-A8AC-F40343488B15',
      relatesTo: '6305C98D-9B13-40BF-9109-7B79CDE5F101',
    });
    expect(json.ebxml).toBeNull();
    expect(json.fault).toBeNull();
    expect(Object.keys(json.hl7)).toEqual(
      expect.arrayContaining([
        'interactionId',
        'messageId',
        'creationTime',
        'senderAsid',
        'receiverAsid',
        'acknowledgement',
        'issues',
        'queryResponseCode',
        'patients',
        'documents',
        'gpSummary',
        'permissions',
      ]),
    );
    expect(json.hl7.gpSummary).toMatchObject({
      id: 'BF4180FD-C403-4EF7-A4AB-E07303AF5477',
      code: '196981000000101',
      effectiveTime: '2020-11-17T02:00:00+00:00',
      nhsNumber: '9995000180',
      authorName: 'Dr Steve Jones',
      replaces: ['D18B57ED-992E-45A2-A6AF-55200D20F48E'],
    });
    expect(json.hl7.gpSummary.entries[0]).toEqual({
      category: 'diagnosis',
      type: 'Diagnosis',
      code: '1240751000000100',
      display: 'COVID-19',
    });
  });

  it('exits 2 with one line on stderr for malformed input', () => {
    const file = join(dir, 'broken.xml');
    writeFileSync(file, '<MCCI_IN010000UK13>\n  <id root="x">\n</MCCI_IN010000UK13>\n');
    const { code, stdout, stderr } = smsp('parse', file);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^hl7 parse: Malformed XML at line 3, column \d+: /);
  });

  it('exits 2 for an entity bomb and for a missing file', () => {
    const bomb = join(dir, 'bomb.xml');
    writeFileSync(bomb, '<!DOCTYPE a [<!ENTITY a "aaaa">]><a>&a;</a>');
    expect(smsp('parse', bomb)).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/DOCTYPE declarations are not allowed/),
    });
    expect(smsp('parse', join(dir, 'missing.xml'))).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^hl7 parse: .*ENOENT/),
    });
  });
});
