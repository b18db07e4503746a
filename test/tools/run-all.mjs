// `npm test`: every check, in order, stopping at the first that fails: typecheck, lint, build,
// unit and integration tests (vitest), end-to-end tests (Playwright + Chromium). Prints the time of
// each step and one closing line `N passed, N failed, N skipped` over all tests.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

mkdirSync('test-results', { recursive: true });
const steps = [
  ['typecheck', 'npm', ['run', '--silent', 'typecheck']],
  ['lint', 'npm', ['run', '--silent', 'lint']],
  ['build', 'npm', ['run', '--silent', 'build']],
  [
    'unit + integration',
    'npx',
    [
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      '--outputFile.json=test-results/unit-report.json',
    ],
  ],
  ['end-to-end', 'npx', ['playwright', 'test', '-c', 'test/e2e/playwright.config.ts']],
];

const timings = [];
let failedStep = null;
for (const [name, command, args] of steps) {
  const started = Date.now();
  process.stdout.write(`\n=== ${name}\n`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: process.env });
  timings.push(`${name} ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (result.status !== 0) {
    failedStep = name;
    break;
  }
}

const counts = { passed: 0, failed: 0, skipped: 0 };
if (existsSync('test-results/unit-report.json')) {
  const unit = JSON.parse(readFileSync('test-results/unit-report.json', 'utf8'));
  counts.passed += unit.numPassedTests ?? 0;
  counts.failed += unit.numFailedTests ?? 0;
  // A test file that fails before any test runs (a missing fixture, a bad import) has no failed
  // test, only skipped ones: count the file itself as a failure so the summary cannot say 0.
  for (const file of unit.testResults ?? []) {
    const failedTests = (file.assertionResults ?? []).filter((t) => t.status === 'failed').length;
    if (file.status === 'failed' && failedTests === 0) counts.failed += 1;
  }
  counts.skipped += (unit.numPendingTests ?? 0) + (unit.numTodoTests ?? 0);
}
if (existsSync('test-results/e2e-report.json') && timings.length === steps.length) {
  const e2e = JSON.parse(readFileSync('test-results/e2e-report.json', 'utf8'));
  counts.passed += e2e.stats?.expected ?? 0;
  counts.failed += (e2e.stats?.unexpected ?? 0) + (e2e.stats?.flaky ?? 0);
  counts.skipped += e2e.stats?.skipped ?? 0;
}
process.stdout.write(`\n${timings.join(' · ')}\n`);
if (failedStep) process.stdout.write(`FAILED at: ${failedStep}\n`);
process.stdout.write(`${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
process.exit(failedStep ? 1 : 0);
