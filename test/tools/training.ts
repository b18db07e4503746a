// Everything training mode needs that is never packaged: the Spine sandbox (in this process,
// with its identity service) and the virtual smartcards (SoftHSM2 tokens behind the "Training
// card reader"). Returns the configuration values that point the app at them.
//
// The cards are made once per checkout in `.smsp/card-template` (key generation is the slow
// part) and copied into each data folder, so every launch and every end-to-end test starts with
// the same cards, none in the reader.
import { cp, mkdir, readdir, rename } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { provisionTrainingCards, type TrainingCards } from '../smartcard/cards';
import { startSandbox } from '../spine-sandbox/index';
import { loadPack, packFromEnvironment } from '../spine-sandbox/patients';
import { ensurePki } from '../spine-sandbox/certs';
import { sandboxSpineConfig } from '../support/spine-config';

export interface TrainingSetup {
  /** Configuration values laid over the admin and user files. */
  readonly config: Record<string, unknown>;
  /** Environment for the host process. */
  readonly env: Record<string, string>;
  readonly sandboxUrl: string | null;
  readonly cards: TrainingCards;
  close(): Promise<void>;
}

const templateDir = resolve('.smsp', 'card-template');
const sandboxTemplateDir = resolve('.smsp', 'sandbox-template');

/** The sandbox's TLS identities, generated once per checkout like the cards. */
async function sandboxDir(dataDir: string): Promise<string> {
  const dir = join(dataDir, 'sandbox');
  if (!existsSync(join(dir, 'tls'))) {
    await ensurePki(sandboxTemplateDir);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await cp(join(sandboxTemplateDir, 'tls'), join(dir, 'tls'), { recursive: true });
  }
  return dir;
}

/** Puts every card back out of the reader, so a launch never starts with a card inserted. */
async function emptyReader(cards: TrainingCards): Promise<void> {
  if (!existsSync(cards.storeDir)) return;
  for (const name of await readdir(cards.storeDir)) {
    if (cards.cards.some((card) => card.id === name)) {
      await rename(join(cards.storeDir, name), join(cards.cardsDir, name));
    }
  }
}

async function trainingCards(dataDir: string): Promise<TrainingCards> {
  const dir = join(dataDir, 'cards');
  if (!existsSync(join(dir, 'cards'))) {
    const template = await provisionTrainingCards(templateDir);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await cp(template.cardsDir, join(dir, 'cards'), { recursive: true });
    await cp(join(templateDir, 'ca'), join(dir, 'ca'), { recursive: true });
  }
  const cards = await provisionTrainingCards(dir);
  await emptyReader(cards);
  return cards;
}

export async function prepareTraining(dataDir: string, say: (line: string) => void): Promise<TrainingSetup> {
  // SMSP_SANDBOX_PACK (issue 11): training only — this is the training launcher; a live
  // configuration never starts the sandbox, so it never reads the variable. Checked before
  // anything starts, so a bad pack stops start-up with one line naming the file and the problem.
  const packFile = packFromEnvironment();
  if (packFile) loadPack(packFile);
  const cards = await trainingCards(dataDir);
  const sandbox = await startSandbox({
    dataDir: await sandboxDir(dataDir),
    smartcardCaFile: cards.caCertFile,
    ...(packFile ? { packFile } : {}),
    // The clinical bench's record of Spine's own time per request (training only).
    ...(process.env['SMSP_SANDBOX_TIMINGS'] ? { timingsFile: process.env['SMSP_SANDBOX_TIMINGS'] } : {}),
  });
  if (packFile) say(`Spine sandbox patient pack: ${packFile} (SMSP_SANDBOX_PACK).`);
  say(`Spine sandbox at ${sandbox.url}; ${cards.cards.length} training cards in the "Training card reader".`);
  const config = {
    environment: 'training',
    asid: sandbox.clientAsid,
    smartcard: {
      modules: [cards.module],
      module: cards.module,
      env: { SOFTHSM2_CONF: cards.conf },
      trainingReader: { storeDir: cards.storeDir, cardsDir: cards.cardsDir },
    },
    identity: {
      provider: 'cis',
      url: `${sandbox.url}/identity`,
      caFile: sandbox.ca,
      clientCertFile: sandbox.clientCert,
      clientKeyFile: sandbox.clientKey,
    },
    spine: sandboxSpineConfig(sandbox),
  };
  return {
    config,
    env: { SOFTHSM2_CONF: cards.conf },
    sandboxUrl: sandbox.url,
    cards,
    close: () => sandbox.close(),
  };
}
