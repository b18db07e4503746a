// HL7 library throughput (issue 3): parse + map of the largest GP Summary fixture and of a PDS
// retrieval, as a ratio to the raw fast-xml-parser parse of the same bytes (same options) and to
// @xmldom/xmldom DOM parsing, all measured in the same run. Targets: ≥ 0.6 of the raw parse,
// faster than the DOM. They are measured in interleaved rounds (CPU time, not wall time) and each
// ratio is the median of the per-round ratios, so load from other processes affects both sides alike.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOMParser } from '@xmldom/xmldom';
import { XMLParser } from 'fast-xml-parser';
import { parseAny } from '../../main/hl7/index';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '../fixtures/spine');

const CASES = [
  {
    name: 'GP Summary (QUPC_IN210000UK04 event query in its SOAP envelope)',
    file: 'NHSDigital__summary-care-record-api/docker__service__src__main__resources__mock-spine__event-query__success.xml',
  },
  {
    name: 'PDS retrieval (QUPA_IN000009UK03)',
    file: 'nhsdigitalmait__SPINE_MTH/simulator_config__PDS2008A_Templates__QUPA_IN000009UK03_sync_template1.xml',
  },
] as const;

// Exactly the options main/hl7/xml.ts uses (toolchain.md: attributes on, strings kept, order kept).
const raw = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: '#cdata',
  // No callbacks use it, and building a path string per tag costs fast-xml-parser 5.12 about
  // two thirds of its time (measured: 3x faster parse without it).
  jPath: false,
});

/** fast-xml-parser out of the box (`new XMLParser()`), for reference: what "raw" means to most users. */
const rawDefaults = new XMLParser();

const ROUNDS = 15;
const SLICE_MS = 120;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * MiB/s of `work` over one time slice, per second of this process's CPU time (user + system):
 * on a shared, loaded machine wall-clock time also counts the time other processes ran.
 */
function slice(bytes: number, work: () => void): number {
  let iterations = 0;
  const wallStart = process.hrtime.bigint();
  const budget = BigInt(SLICE_MS) * 1_000_000n;
  const cpuStart = process.cpuUsage();
  while (process.hrtime.bigint() - wallStart < budget) {
    work();
    iterations += 1;
  }
  const cpu = process.cpuUsage(cpuStart);
  const seconds = (cpu.user + cpu.system) / 1e6;
  return (bytes * iterations) / Math.max(seconds, 1e-6) / (1024 * 1024);
}

export async function run(): Promise<void> {
  let sink = 0;
  const ours = (text: string) => () => {
    sink += parseAny(text).hl7?.patients.length ?? 0;
  };
  const fxp = (text: string) => () => {
    sink += (raw.parse(text) as unknown[]).length;
  };
  const fxpDefaults = (text: string) => () => {
    sink += Object.keys(rawDefaults.parse(text) as object).length;
  };
  const dom = (text: string) => () => {
    sink += new DOMParser().parseFromString(text, 'text/xml').documentElement ? 1 : 0;
  };
  for (const testCase of CASES) {
    const text = readFileSync(join(fixtures, testCase.file), 'utf8').replace(/__[A-Z_]+__/g, 'X');
    const bytes = Buffer.byteLength(text);
    const check = parseAny(text);
    if (!check.hl7 || (check.hl7.patients.length === 0 && check.hl7.gpSummary === null)) {
      throw new Error(`${testCase.file} did not map to a patient or a GP Summary`);
    }
    const work = { ours: ours(text), fxp: fxp(text), fxpDefaults: fxpDefaults(text), dom: dom(text) };
    for (let i = 0; i < 100; i += 1) for (const w of Object.values(work)) w(); // warm-up
    const rates = {
      ours: [] as number[],
      fxp: [] as number[],
      fxpDefaults: [] as number[],
      dom: [] as number[],
    };
    const toRaw: number[] = [];
    const toDom: number[] = [];
    const toDefaults: number[] = [];
    const names = ['ours', 'fxp', 'fxpDefaults', 'dom'] as const;
    for (let round = 0; round < ROUNDS; round += 1) {
      // Rotate the order each round so garbage left by one measurement is paid by each in turn.
      const slot = { ours: 0, fxp: 0, fxpDefaults: 0, dom: 0 };
      for (let k = 0; k < names.length; k += 1) {
        const name = names[(round + k) % names.length] ?? 'ours';
        slot[name] = slice(bytes, work[name]);
      }
      rates.ours.push(slot.ours);
      rates.fxp.push(slot.fxp);
      rates.dom.push(slot.dom);
      rates.fxpDefaults.push(slot.fxpDefaults);
      toDefaults.push(slot.ours / slot.fxpDefaults);
      toRaw.push(slot.ours / slot.fxp);
      toDom.push(slot.ours / slot.dom);
    }
    process.stdout.write(
      `${testCase.name}: ${(bytes / 1024).toFixed(1)} KiB, ${ROUNDS} interleaved rounds of ${SLICE_MS} ms, medians\n` +
        `  parse+map (main/hl7 parseAny)   ${median(rates.ours).toFixed(1).padStart(6)} MiB/s\n` +
        `  raw fast-xml-parser parse       ${median(rates.fxp).toFixed(1).padStart(6)} MiB/s\n` +
        `  fast-xml-parser, default opts   ${median(rates.fxpDefaults).toFixed(1).padStart(6)} MiB/s\n` +
        `  @xmldom/xmldom DOM parse        ${median(rates.dom).toFixed(1).padStart(6)} MiB/s\n` +
        `  ratio to raw parse              ${median(toRaw).toFixed(2)}  (target >= 0.60)\n` +
        `  ratio to DOM parse              ${median(toDom).toFixed(2)}  (target > 1.00)\n` +
        `  ratio to default-options parse  ${median(toDefaults).toFixed(2)}  (for reference)\n`,
    );
  }
  if (sink < 0) process.stdout.write('\n');
}
