// The `app` fixture: a fresh training app (launcher → Spine sandbox + virtual cards + test host)
// per test, in its own data folder, stopped afterwards. `shot` keeps a named screenshot under
// test-results/screens for the CI artefacts.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { test as base, type Page } from '@playwright/test';
import { stopGroup } from '../support/process-group';

export interface RunningApp {
  readonly url: string;
  readonly launchUrl: string;
  readonly origin: string;
  readonly sandbox: string | null;
  readonly dataDir: string;
}

const projectRoot = resolve(import.meta.dirname, '..', '..');
export const screensDir = join(projectRoot, 'test-results', 'screens');

async function launch(
  dataDir: string,
  extraEnv: Readonly<Record<string, string>> = {},
): Promise<{ app: RunningApp; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/tools/start.ts', '--headless', '--ready-json', '--data-dir', dataDir],
    {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: '1', ...extraEnv },
      detached: true,
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = await new Promise<Omit<RunningApp, 'origin' | 'dataDir'>>((resolveReady, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the app did not start within 60 s:\n${stderr}`)),
      60_000,
    );
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolveReady(JSON.parse(line) as Omit<RunningApp, 'origin' | 'dataDir'>);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the app stopped (exit ${code}) before it was ready:\n${stderr}`));
    });
  });
  return { app: { ...ready, origin: new URL(ready.url).origin, dataDir }, child };
}

export const test = base.extend<{
  /** Extra environment for the launcher, e.g. SMSP_ADMIN_CONFIG with short session policies. */
  appEnv: Record<string, string>;
  app: RunningApp;
  shot: (page: Page, name: string) => Promise<void>;
}>({
  appEnv: [{}, { option: true }],
  app: async ({ appEnv }, use) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'smsp-e2e-'));
    const { app, child } = await launch(dataDir, appEnv);
    try {
      await use(app);
    } finally {
      await stopGroup(child);
    }
  },
  shot: async ({}, use) => {
    mkdirSync(screensDir, { recursive: true });
    await use(async (page, name) => {
      await page.screenshot({ path: join(screensDir, `${name}.png`), fullPage: true });
    });
  },
});

export { expect } from '@playwright/test';

/** Opens the app and acknowledges the start-up misuse warning. */
export async function openApp(page: Page, app: RunningApp): Promise<void> {
  await page.goto(app.launchUrl);
  await page.getByRole('button', { name: 'I understand' }).click();
}
