// Virtual NHS smartcards as real SoftHSM2 tokens: a non-extractable RSA-2048 key generated on
// the token and a certificate from the test CA (ca.ts) stored under the same CKA_ID. Also the
// training roster (issue 5's table) provisioned identically on every machine.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ensureTestCa, issueCardCertificate } from './ca';
import { ensureConf, pkcs11Tool, softhsmModule, tool } from './softhsm';

/** CKA_ID shared by the card's private key, public key and certificate. */
export const cardObjectId = '01';

export interface CreateCardOptions {
  /** Card folder: softhsm2.conf, tokens/ (the SoftHSM tokendir) and ca/ live here. */
  readonly dir: string;
  /** SDS user UUID, 12 digits: the certificate's CN. */
  readonly uuid: string;
  readonly pin: string;
  /** "SURNAME, Given": the token label (≤ 32 characters). Defaults to the UUID. */
  readonly name?: string;
  /** Certificate validity entirely in the past. */
  readonly expired?: boolean;
  /** Folder of the issuing CA; defaults to DIR/ca. */
  readonly caDir?: string;
  /** A key but no certificate (the NO_CERTIFICATE case). */
  readonly withoutCertificate?: boolean;
}

export interface CreatedCard {
  readonly module: string;
  readonly conf: string;
  readonly label: string;
  readonly uuid: string;
  readonly serial: string;
  /** The token's own folder inside the tokendir. */
  readonly tokenDir: string;
  readonly caCertFile: string;
}

const uuidPattern = /^\d{12}$/;
const pinPattern = /^\d{6,8}$/;

export function cardPaths(dir: string) {
  const root = resolve(dir);
  return { root, conf: join(root, 'softhsm2.conf'), tokens: join(root, 'tokens'), ca: join(root, 'ca') };
}

async function tokenDirs(tokens: string): Promise<string[]> {
  if (!existsSync(tokens)) return [];
  const entries = await readdir(tokens, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name);
}

async function serialOf(conf: string, label: string): Promise<string | undefined> {
  const { stdout } = await pkcs11Tool(conf, ['--list-token-slots']);
  const blocks = stdout.split(/\nSlot /);
  for (const block of blocks) {
    const l = /token label\s*:\s*(.*)/.exec(block)?.[1]?.trim();
    const s = /serial num\s*:\s*(\S+)/.exec(block)?.[1];
    if (l === label && s) return s;
  }
  return undefined;
}

/**
 * Provisions one card in DIR's tokendir (it is "inserted" in DIR's store). Idempotent: a card
 * whose token folder `<uuid>` already exists is reused as it is.
 */
export async function createCard(options: CreateCardOptions): Promise<CreatedCard> {
  if (!uuidPattern.test(options.uuid)) throw new Error('uuid must be 12 digits (an SDS user UUID)');
  if (!pinPattern.test(options.pin)) throw new Error('pin must be 6 to 8 digits');
  const label = options.name ?? options.uuid;
  if (Buffer.byteLength(label) > 32) throw new Error('name must be at most 32 bytes (a PKCS#11 token label)');
  const paths = cardPaths(options.dir);
  await ensureConf(paths.conf, paths.tokens);
  const ca = await ensureTestCa(options.caDir ?? paths.ca);
  const tokenDir = join(paths.tokens, options.uuid);
  if (existsSync(join(tokenDir, 'token.object'))) {
    const serial = (await serialOf(paths.conf, label)) ?? '';
    return {
      module: softhsmModule,
      conf: paths.conf,
      label,
      uuid: options.uuid,
      serial,
      tokenDir,
      caCertFile: ca.caCertFile,
    };
  }

  // Initialise into a scratch tokendir so a half-made card never shows up in the store.
  const scratch = await mkdtemp(join(paths.root, '.new-'));
  const scratchConf = join(scratch, 'softhsm2.conf');
  try {
    await ensureConf(scratchConf, join(scratch, 'tokens'));
    const soPin = randomBytes(8).toString('hex');
    await tool(scratchConf, 'softhsm2-util', [
      '--init-token',
      '--free',
      '--label',
      label,
      '--so-pin',
      soPin,
      '--pin',
      options.pin,
    ]);
    const login = ['--token-label', label, '--login', '--pin', options.pin];
    // Generated on the token: sensitive and never extractable (pkcs11-tool does not set
    // CKA_EXTRACTABLE unless asked).
    await pkcs11Tool(scratchConf, [
      ...login,
      '--keypairgen',
      '--key-type',
      'rsa:2048',
      '--id',
      cardObjectId,
      '--label',
      'NHS authentication',
    ]);
    if (!options.withoutCertificate) {
      const pubFile = join(scratch, 'pub.der');
      await pkcs11Tool(scratchConf, [
        '--token-label',
        label,
        '--read-object',
        '--type',
        'pubkey',
        '--id',
        cardObjectId,
        '-o',
        pubFile,
      ]);
      const der = await issueCardCertificate(ca, {
        uuid: options.uuid,
        publicKeySpki: await readFile(pubFile),
        ...(options.expired ? { expired: true } : {}),
      });
      const certFile = join(scratch, 'cert.der');
      await writeFile(certFile, der);
      await pkcs11Tool(scratchConf, [
        ...login,
        '--write-object',
        certFile,
        '--type',
        'cert',
        '--id',
        cardObjectId,
        '--label',
        'NHS authentication',
      ]);
    }
    const serial = (await serialOf(scratchConf, label)) ?? '';
    const [made] = await tokenDirs(join(scratch, 'tokens'));
    if (!made) throw new Error('softhsm2-util made no token folder');
    await rm(tokenDir, { recursive: true, force: true });
    await rename(join(scratch, 'tokens', made), tokenDir);
    return {
      module: softhsmModule,
      conf: paths.conf,
      label,
      uuid: options.uuid,
      serial,
      tokenDir,
      caCertFile: ca.caCertFile,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** One training card (issue 5's table, the expired-certificate test card and the urgent-care card). */
export interface TrainingCardSpec {
  readonly id: string;
  readonly uuid: string;
  readonly pin: string;
  readonly displayName: string;
  readonly expired?: boolean;
}

export const trainingRoster: readonly TrainingCardSpec[] = [
  { id: '555000000001', uuid: '555000000001', pin: '123456', displayName: 'PHARMACIST, Test' },
  { id: '555000000002', uuid: '555000000002', pin: '234567', displayName: 'GENERALPRACTICE, Test' },
  { id: '555000000003', uuid: '555000000003', pin: '345678', displayName: 'GOVERNANCE, Test' },
  { id: '555000000004', uuid: '555000000004', pin: '456789', displayName: 'NOROLES, Test' },
  { id: '555000000005', uuid: '555000000005', pin: '567890', displayName: 'LOCUM, Test' },
  { id: '555000000006', uuid: '555000000006', pin: '678901', displayName: 'EXPIRED, Test', expired: true },
  // Holds legal access (B0082) and postcode search (B0098), which no other training card has.
  { id: '555000000010', uuid: '555000000010', pin: '789012', displayName: 'URGENTCARE, Test' },
];

export interface TrainingCard extends TrainingCardSpec {
  readonly label: string;
  readonly serial: string;
}

export interface TrainingCards {
  readonly module: string;
  /** SOFTHSM2_CONF for the card service: its tokendir is `storeDir`. */
  readonly conf: string;
  readonly caCertFile: string;
  /** The SoftHSM2 tokendir: a card folder here is "in the reader". */
  readonly storeDir: string;
  /** Where cards wait outside the reader: `<id>/` (token folder) and `<id>.json` (metadata). */
  readonly cardsDir: string;
  readonly cards: readonly TrainingCard[];
}

/** Bounded exclusive lock so parallel test files provision the same folder once. */
async function withLock<T>(dir: string, body: () => Promise<T>): Promise<T> {
  const lock = join(dir, '.provision.lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      const handle = await open(lock, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch {
      const holder = Number(await readFile(lock, 'utf8').catch(() => '0'));
      let alive = holder > 0;
      if (alive) {
        try {
          process.kill(holder, 0);
        } catch {
          alive = false;
        }
      }
      const age = await stat(lock).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (!alive && age > 1_000) await rm(lock, { force: true });
      if (Date.now() > deadline) throw new Error(`provisioning lock ${lock} held too long`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await body();
  } finally {
    await rm(lock, { force: true });
  }
}

/**
 * The training cards under DIR: DIR/softhsm2.conf (tokendir DIR/store), DIR/ca, and every card
 * waiting in DIR/cards (removed). Idempotent: cards already provisioned (in the reader or not)
 * are reused as they are.
 */
export async function provisionTrainingCards(dir: string): Promise<TrainingCards> {
  const root = resolve(dir);
  const storeDir = join(root, 'store');
  const cardsDir = join(root, 'cards');
  const conf = join(root, 'softhsm2.conf');
  await mkdir(cardsDir, { recursive: true, mode: 0o700 });
  await ensureConf(conf, storeDir);
  return withLock(root, async () => {
    const ca = await ensureTestCa(join(root, 'ca'));
    const cards: TrainingCard[] = [];
    for (const spec of trainingRoster) {
      const meta = join(cardsDir, `${spec.id}.json`);
      const present =
        existsSync(join(cardsDir, spec.id, 'token.object')) ||
        existsSync(join(storeDir, spec.id, 'token.object'));
      if (present && existsSync(meta)) {
        cards.push(JSON.parse(await readFile(meta, 'utf8')) as TrainingCard);
        continue;
      }
      // Made in a workshop folder, then moved into cards/ (not inserted).
      const workshop = join(root, '.workshop');
      const made = await createCard({
        dir: workshop,
        uuid: spec.uuid,
        pin: spec.pin,
        name: spec.displayName,
        caDir: join(root, 'ca'),
        ...(spec.expired ? { expired: true } : {}),
      });
      await rm(join(cardsDir, spec.id), { recursive: true, force: true });
      await rename(made.tokenDir, join(cardsDir, spec.id));
      const card: TrainingCard = { ...spec, label: made.label, serial: made.serial };
      await writeFile(meta, JSON.stringify(card, null, 2) + '\n');
      cards.push(card);
    }
    await rm(join(root, '.workshop'), { recursive: true, force: true });
    return { module: softhsmModule, conf, caCertFile: ca.caCertFile, storeDir, cardsDir, cards };
  });
}
