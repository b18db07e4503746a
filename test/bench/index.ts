// `npm run bench [-- NAME…]`: runs every benchmark section (test/bench/<name>.bench.ts, each
// exporting `run(): Promise<void>` that prints its own figures) or only the named ones.
// Benchmarks report medians and ratios against a baseline measured in the same run, because
// these machines are noisy; they are never part of `npm test`.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface BenchModule {
  run(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const sections = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.slice(0, -'.bench.ts'.length))
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort();

if (sections.length === 0) {
  process.stderr.write(`bench: no section matches ${wanted.join(', ')}\n`);
  process.exit(2);
}
for (const name of sections) {
  process.stdout.write(`\n== ${name} ==\n`);
  const module = (await import(pathToFileURL(join(here, `${name}.bench.ts`)).href)) as BenchModule;
  await module.run();
}
