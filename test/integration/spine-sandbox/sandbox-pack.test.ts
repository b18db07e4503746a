// SMSP_SANDBOX_PACK (issue 11): `smsp sandbox` and `npm start` serve another patient pack, whose
// documents may bring their own presentation text; a pack that cannot be used stops start-up with
// a non-zero exit and one line naming the file and the problem.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultPackFile, loadPack, PackError, type PatientPack } from '../../spine-sandbox/patients';
import { gpSummaryXml } from '../../spine-sandbox/gp-summary';

const root = resolve(import.meta.dirname, '..', '..', '..');
const builtIn = JSON.parse(readFileSync(defaultPackFile, 'utf8')) as PatientPack;

/** A one-patient pack (9000000009) in a fresh folder; `change` edits it before it is written. */
function packWith(
  change: (pack: { patients: Record<string, unknown>[] }) => void,
  files: Record<string, string> = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'smsp-pack-'));
  const pack = JSON.parse(JSON.stringify({ ...builtIn, patients: builtIn.patients.slice(0, 1) })) as {
    patients: Record<string, unknown>[];
  };
  change(pack);
  const file = join(dir, 'pack.json');
  writeFileSync(file, JSON.stringify(pack));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return { dir, file };
}

const firstDocument = (pack: { patients: Record<string, unknown>[] }) =>
  (pack.patients[0]?.['documents'] as Record<string, unknown>[])[0] as Record<string, unknown>;

function run(script: string[], packFile: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', ...script], {
    cwd: root,
    env: { ...process.env, SMSP_SANDBOX_PACK: packFile, CI: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('HAZ-012 a training pack can feed any document through the whole path', () => {
  it('HAZ-012 a document may name its presentation text file, resolved beside the pack', () => {
    const { file } = packWith((pack) => (firstDocument(pack)['presentationFile'] = 'hostile.xhtml'), {
      'hostile.xhtml': '<p>WBC 10<sup>9</sup>/L</p>',
    });
    const pack = loadPack(file);
    const doc = pack.patients[0]?.documents[0];
    if (!doc) throw new Error('no document');
    expect(gpSummaryXml(doc, '9000000009')).toContain(
      '<html xmlns="xhtml:NPfIT:PresentationText"><body><p>WBC 10<sup>9</sup>/L</p></body></html>',
    );
  });

  it.each([
    [
      'bad JSON',
      () => {
        const { dir } = packWith(() => undefined);
        const file = join(dir, 'broken.json');
        writeFileSync(file, '{"patients": [');
        return file;
      },
      /broken\.json: not valid JSON/,
    ],
    [
      'a schema error',
      () => packWith((pack) => (pack.patients[0]!['consent'] = 'Maybe')).file,
      /pack\.json: patients\.0\.consent: /,
    ],
    [
      'an invalid NHS number',
      () => packWith((pack) => (pack.patients[0]!['nhsNumber'] = '9000000008')).file,
      /pack\.json: invalid NHS number 9000000008/,
    ],
    [
      'a missing presentation file',
      () => packWith((pack) => (firstDocument(pack)['presentationFile'] = 'gone.xhtml')).file,
      /pack\.json: presentationFile gone\.xhtml cannot be read/,
    ],
    [
      'a presentation file outside the pack folder',
      () => packWith((pack) => (firstDocument(pack)['presentationFile'] = '../../etc/passwd')).file,
      /outside the pack's folder/,
    ],
    [
      'ill-formed XHTML',
      () =>
        packWith((pack) => (firstDocument(pack)['presentationFile'] = 'bad.xhtml'), {
          'bad.xhtml': '<p>open',
        }).file,
      /bad\.xhtml: not well-formed XHTML/,
    ],
  ])('HAZ-012 refuses %s with one line naming the file and the problem', (_case, make, message) => {
    const file = make();
    expect(() => loadPack(file)).toThrow(PackError);
    expect(() => loadPack(file)).toThrow(message);
  });

  it('HAZ-012 `smsp sandbox` and `npm start` stop with exit 2 and one line for an invalid pack', () => {
    const { file } = packWith((pack) => (pack.patients[0]!['nhsNumber'] = '9000000008'));
    const sandbox = run(['test/tools/smsp.ts', 'sandbox', '--port', '0'], file);
    expect(sandbox.status).toBe(2);
    expect(sandbox.stderr.trim().split('\n')).toEqual([`sandbox: ${file}: invalid NHS number 9000000008`]);
    const start = run(
      ['test/tools/start.ts', '--headless', '--data-dir', mkdtempSync(join(tmpdir(), 'smsp-start-'))],
      file,
    );
    expect(start.status).toBe(2);
    expect(start.stderr.trim().split('\n')).toEqual([`scr-desktop: ${file}: invalid NHS number 9000000008`]);
  });

  // `npm start` runs the launcher as one built file (dist/tools/start.cjs, issue 15); its sandbox
  // and cards find their data files beside their source, which the bundle must keep.
  const bundle = join(root, 'dist', 'tools', 'start.cjs');
  it.skipIf(!existsSync(bundle))(
    'HAZ-012 the built launcher serves the built-in pack and refuses an invalid one like the source',
    async () => {
      const { file } = packWith((pack) => (pack.patients[0]!['nhsNumber'] = '9000000008'));
      const refused = spawnSync(
        process.execPath,
        [bundle, '--headless', '--data-dir', mkdtempSync(join(tmpdir(), 'smsp-start-'))],
        {
          cwd: root,
          env: { ...process.env, SMSP_SANDBOX_PACK: file, CI: '1' },
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
      expect(refused.status).toBe(2);
      expect(refused.stderr.trim().split('\n')).toEqual([
        `scr-desktop: ${file}: invalid NHS number 9000000008`,
      ]);

      const env: NodeJS.ProcessEnv = { ...process.env, CI: '1' };
      delete env['SMSP_SANDBOX_PACK'];
      const child = spawn(
        process.execPath,
        [bundle, '--headless', '--ready-json', '--data-dir', mkdtempSync(join(tmpdir(), 'smsp-start-'))],
        { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
      );
      try {
        const line = await new Promise<string>((resolveLine, reject) => {
          let out = '';
          let err = '';
          const timer = setTimeout(() => reject(new Error(`not ready in 60 s: ${err}`)), 60_000);
          child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
          child.stdout.on('data', (chunk: Buffer) => {
            out += chunk.toString();
            if (out.includes('\n')) {
              clearTimeout(timer);
              resolveLine(out.split('\n')[0] ?? '');
            }
          });
          child.once('exit', (code) => {
            clearTimeout(timer);
            reject(new Error(`the launcher stopped (exit ${code}): ${err}`));
          });
        });
        const ready = JSON.parse(line) as { sandbox: string; launchUrl: string };
        expect(ready.launchUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#launch=/);
        expect(ready.sandbox).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      } finally {
        process.kill(-child.pid!, 'SIGTERM');
      }
    },
    90_000,
  );
});
