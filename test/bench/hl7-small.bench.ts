// Small Spine messages against NHS England's MHS adaptor (issue 15): every message kind parsed
// (parseAny + describeMessage) at least as fast as the adaptor. The adaptor is Python and is not
// shipped, so its figures are the ones recorded below; what cancels the machine is a ratio to
// raw fast-xml-parser (the same options as main/hl7) measured in the same run as ours, compared
// with the adaptor's time over raw fast-xml-parser's time when its figures were taken.
//
// The MHS figures (issue 15, "Speed at the limit"): measured side by side in one run — our
// parseAny + describeMessage, then the adaptor (NHSDigital/integration-adaptor-mhs at the snapshot
// commit in test/fixtures/PROVENANCE.md, its own parsers: EbxmlRequestEnvelope.from_string for
// multipart and ebXML headers, EbxmlAckEnvelope / the MessageError reader, SoapFault.from_parsed,
// ElementTree for the MCCI acknowledgement) on 47 messages from its own repository, `.msg` files
// filled from their `.ebxml` as its tests do; 1,000 parses × 5 rounds, median round, alternated
// twice, load 1.5–1.9 on 2 cores. To take them again: check the adaptor out at that commit,
// `pipenv install` in mhs/common, and time those calls with `timeit` over the files named by
// `messages()` below (the issue did not list its 47; this bench uses every non-template message
// of the six kinds in the fixture copy, `.ebxml` header parts excluded — see the counts printed).
//
// Raw fast-xml-parser's time then was not recorded. Two estimates of MHS ÷ raw fxp, both printed:
//  A. raw fxp then = raw fxp now (same machine kind, same library version and options);
//  B. the machine then, scaled by our own code of then: (MHS ÷ ours then, one run) × (ours then ÷
//     raw fxp, measured now with the code of the issue, commit d4689e7 — OURS_THEN_OVER_FXP,
//     re-measured by `SMSP_BENCH_HL7_THEN=<checkout of d4689e7>/main/hl7/index.ts npm run bench
//     -- hl7-small`). B is the stricter; the goal is judged on it.
// Timing is CPU time of this process in interleaved rounds (order swapped each round); each
// ratio is the median of the per-round ratios.
import { XMLParser } from 'fast-xml-parser';
import { pathToFileURL } from 'node:url';
import { describeMessage, parseAny } from '../../main/hl7/index';
import { xmlParserOptions } from '../../main/hl7/xml';
import { listFixtures, loadFixture } from '../unit/hl7/fixtures';

type Kind = 'ebxml-multipart' | 'ebxml-ack' | 'ebxml-error' | 'ebxml-header' | 'soap-fault' | 'mcci';

interface Recorded {
  readonly label: string;
  /** MHS µs/msg, low–high of the issue's runs. */
  readonly mhs: readonly [number, number];
  /** Our µs/msg in the same runs (parseAny + describeMessage, code of commit d4689e7). */
  readonly oursThen: readonly [number, number];
}

const RECORDED: Readonly<Record<Kind, Recorded>> = {
  'ebxml-multipart': { label: 'ebXML multipart (inbound async)', mhs: [1737, 1882], oursThen: [121, 126] },
  'ebxml-ack': { label: 'ebXML acknowledgment', mhs: [213, 217], oursThen: [92, 95] },
  'ebxml-error': { label: 'ebXML MessageError', mhs: [50, 58], oursThen: [73, 78] },
  'ebxml-header': { label: 'ebXML header alone', mhs: [92, 104], oursThen: [93, 111] },
  'soap-fault': { label: 'SOAP fault', mhs: [43, 56], oursThen: [47, 52] },
  mcci: { label: 'HL7 MCCI acknowledgement', mhs: [47, 50], oursThen: [92, 106] },
};

/**
 * Ours then ÷ raw fxp, per kind: the code of commit d4689e7 (before issue 15) measured against raw
 * fast-xml-parser in the same runs, 2026-12-03 (load 1.2–16), 7 interleaved rounds each; the
 * lower of two runs, which makes the goal the stricter.
 */
const OURS_THEN_OVER_FXP: Readonly<Record<Kind, number>> = {
  'ebxml-multipart': 1.51,
  'ebxml-ack': 1.26,
  'ebxml-error': 1.5,
  'ebxml-header': 1.32,
  'soap-fault': 1.29,
  mcci: 1.35,
};

interface Message {
  readonly file: string;
  readonly text: string;
  /** The XML documents the message carries (each MIME part's), for the raw parser. */
  readonly documents: readonly string[];
}

function kindOf(text: string): Kind | null {
  const message = parseAny(text);
  const multipart = /^\s*--|content-type:\s*multipart\/related/i.test(text.slice(0, 4096));
  if (message.fault) return 'soap-fault';
  if (message.ebxml?.kind === 'error') return 'ebxml-error';
  if (message.ebxml?.kind === 'acknowledgment') return 'ebxml-ack';
  if (message.ebxml) return multipart ? 'ebxml-multipart' : 'ebxml-header';
  if (message.hl7?.interactionId.startsWith('MCCI_')) return 'mcci';
  return null;
}

/** Each MIME part's XML (multipart), else the XML after any HTTP headers. */
function documentsOf(text: string): string[] {
  const boundary = /^(--\S+)\r?$/m.exec(text)?.[1];
  const pieces = boundary ? text.split(boundary).slice(1) : [text];
  const out: string[] = [];
  for (const piece of pieces) {
    const gap = boundary ? /\r?\n\r?\n/.exec(piece) : null;
    const body = (gap ? piece.slice(gap.index + gap[0].length) : piece).trim();
    const start = body.indexOf('<');
    if (start !== -1 && (boundary ? start === 0 : true)) out.push(body.slice(start));
  }
  return out;
}

/** The adaptor's own non-template messages of the six kinds, by kind. */
function messages(): Map<Kind, Message[]> {
  const out = new Map<Kind, Message[]>();
  for (const file of listFixtures()) {
    if (!file.startsWith('NHSDigital__integration-adaptor-mhs/')) continue;
    if (file.endsWith('.mustache') || file.endsWith('.ebxml')) continue;
    const text = loadFixture(file);
    let kind: Kind | null;
    try {
      kind = kindOf(text);
    } catch {
      continue; // refused by us (the invalid_* and payload_defect cases): nothing to time
    }
    if (!kind) continue;
    const list = out.get(kind) ?? [];
    list.push({ file, text, documents: documentsOf(text) });
    out.set(kind, list);
  }
  return out;
}

const ROUNDS = 7;
const SLICE_MS = 60;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** CPU µs per call of `work`, over one time slice. */
function slice(work: () => void): number {
  let calls = 0;
  const wallStart = process.hrtime.bigint();
  const budget = BigInt(SLICE_MS) * 1_000_000n;
  const cpuStart = process.cpuUsage();
  while (process.hrtime.bigint() - wallStart < budget) {
    work();
    calls += 1;
  }
  const cpu = process.cpuUsage(cpuStart);
  return (cpu.user + cpu.system) / calls;
}

type ParseAndDescribe = (text: string) => number;

const fmt = (n: number, digits = 1) => n.toFixed(digits);
const range = ([lo, hi]: readonly [number, number], digits = 2) =>
  lo.toFixed(digits) === hi.toFixed(digits)
    ? lo.toFixed(digits)
    : `${lo.toFixed(digits)}–${hi.toFixed(digits)}`;

async function thenParser(): Promise<ParseAndDescribe | null> {
  const path = process.env['SMSP_BENCH_HL7_THEN'];
  if (!path) return null;
  const module = (await import(pathToFileURL(path).href)) as {
    parseAny: typeof parseAny;
    describeMessage: typeof describeMessage;
  };
  return (text) => Object.keys(module.describeMessage(module.parseAny(text))).length;
}

export async function run(): Promise<void> {
  const raw = new XMLParser(xmlParserOptions);
  const then = await thenParser();
  let sink = 0;
  const ours: ParseAndDescribe = (text) => Object.keys(describeMessage(parseAny(text))).length;
  const byKind = messages();
  let total = 0;
  for (const list of byKind.values()) total += list.length;
  process.stdout.write(
    `${total} messages of the MHS adaptor's own (six kinds); ${ROUNDS} interleaved rounds of ${SLICE_MS} ms; CPU µs per message, medians\n` +
      `goal per kind: ours ÷ raw fxp ≤ MHS ÷ raw fxp (estimate B; A shown beside it)\n`,
  );
  const order: Kind[] = ['ebxml-multipart', 'ebxml-ack', 'ebxml-error', 'ebxml-header', 'soap-fault', 'mcci'];
  let missed = 0;
  for (const kind of order) {
    const list = byKind.get(kind) ?? [];
    const recorded = RECORDED[kind];
    if (list.length === 0) {
      process.stdout.write(`  ${recorded.label}: no messages found\n`);
      continue;
    }
    const runOurs = () => {
      for (const m of list) sink += ours(m.text);
    };
    const runRaw = () => {
      for (const m of list) for (const d of m.documents) sink += (raw.parse(d) as unknown[]).length;
    };
    const runThen = then
      ? () => {
          for (const m of list) sink += then(m.text);
        }
      : null;
    for (let i = 0; i < 200; i += 1) {
      runOurs();
      runRaw();
      runThen?.();
    }
    const oursUs: number[] = [];
    const rawUs: number[] = [];
    const thenUs: number[] = [];
    const ratio: number[] = [];
    const thenRatio: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const steps: (() => void)[] = [
        () => oursUs.push(slice(runOurs) / list.length),
        () => rawUs.push(slice(runRaw) / list.length),
      ];
      if (runThen) steps.push(() => thenUs.push(slice(runThen) / list.length));
      if (round % 2 === 1) steps.reverse();
      for (const step of steps) step();
      ratio.push((oursUs[round] ?? NaN) / (rawUs[round] ?? NaN));
      if (runThen) thenRatio.push((thenUs[round] ?? NaN) / (rawUs[round] ?? NaN));
    }
    const fxp = median(rawUs);
    const oursOverFxp = median(ratio);
    const thenOverFxp = runThen ? median(thenRatio) : OURS_THEN_OVER_FXP[kind];
    // A: MHS µs ÷ raw fxp µs now. B: (MHS ÷ ours then) × (ours then ÷ raw fxp).
    const a: [number, number] = [recorded.mhs[0] / fxp, recorded.mhs[1] / fxp];
    const b: [number, number] = [
      (recorded.mhs[0] / recorded.oursThen[1]) * thenOverFxp,
      (recorded.mhs[1] / recorded.oursThen[0]) * thenOverFxp,
    ];
    const met = oursOverFxp <= b[0];
    if (!met) missed += 1;
    const bytes = list.reduce((sum, m) => sum + Buffer.byteLength(m.text), 0) / list.length;
    process.stdout.write(
      `  ${recorded.label}: ${list.length} messages, ${fmt(bytes / 1024)} KB average\n` +
        `    ours ${fmt(median(oursUs)).padStart(7)} µs/msg   raw fxp ${fmt(fxp).padStart(7)} µs/msg   MHS then ${range(recorded.mhs, 0)} µs/msg (ours then ${range(recorded.oursThen, 0)})\n` +
        (runThen
          ? `    ours then (SMSP_BENCH_HL7_THEN) ${fmt(median(thenUs))} µs/msg, ÷ raw fxp ${fmt(thenOverFxp, 2)}\n`
          : '') +
        `    ours ÷ raw fxp ${fmt(oursOverFxp, 2)}   MHS ÷ raw fxp: A ${range(a)}, B ${range(b)}   goal ≤ ${fmt(b[0], 2)}: ${met ? 'met' : 'MISSED'}` +
        `   (MHS time ÷ ours, est. B: ${fmt(b[0] / oursOverFxp, 2)}–${fmt(b[1] / oursOverFxp, 2)}×)\n`,
    );
  }
  process.stdout.write(
    `  ${missed === 0 ? 'every kind at least as fast as MHS' : `${missed} kind(s) slower than MHS`}\n`,
  );
  if (sink < 0) process.stdout.write('\n');
}
