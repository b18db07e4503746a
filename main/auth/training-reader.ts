// The training card reader (training environment only): virtual smartcards that trainers and
// tests "insert" and "remove" by moving a card's SoftHSM2 token folder into and out of the
// tokendir the PKCS#11 monitor sees. The monitor then reports a real token change, exactly as
// for a card in a hardware reader (issue 5: never a flag flipped in JavaScript).
import { existsSync } from 'node:fs';
import { readdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { TrainingCard } from '../../preload/contract';
import { AppError } from '../api/app-error';
import type { AppConfig } from '../config/schema';

export interface TrainingReader {
  cards(): Promise<TrainingCard[]>;
  /** Puts the card in the reader, taking out any other training card first (one slot). */
  insert(cardId: string): Promise<TrainingCard[]>;
  remove(): Promise<TrainingCard[]>;
}

export interface TrainingReaderOptions {
  readonly environment: AppConfig['environment'];
  /** The SoftHSM2 tokendir the card service's monitor watches. */
  readonly storeDir: string;
  /** Cards out of the reader: `<id>/` token folders and `<id>.json` descriptions. */
  readonly cardsDir: string;
}

/** What test/smartcard writes next to each card; only these fields are read. */
const CardFile = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), displayName: z.string().min(1) });

const notTraining = () =>
  new AppError('NOT_AUTHORISED', 'The training card reader is only available in training mode.');

export function createTrainingReader(options: TrainingReaderOptions): TrainingReader {
  // Why refuse here as well as in the handler: moving token folders is a training-only act, and
  // a misconfigured live workstation must never get a way to fake a card.
  if (options.environment !== 'training') throw notTraining();
  const { storeDir, cardsDir } = options;
  const inReader = (id: string) => existsSync(join(storeDir, id, 'token.object'));
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  async function list(): Promise<TrainingCard[]> {
    let names: string[];
    try {
      names = (await readdir(cardsDir)).filter((n) => n.endsWith('.json')).sort();
    } catch {
      throw new AppError(
        'CONFIG_INVALID',
        'The training cards are missing. Run npm start again to provision them.',
      );
    }
    const cards: TrainingCard[] = [];
    for (const name of names) {
      const parsed = CardFile.safeParse(JSON.parse(await readFile(join(cardsDir, name), 'utf8')));
      if (!parsed.success || `${parsed.data.id}.json` !== name) continue;
      cards.push({
        id: parsed.data.id,
        displayName: parsed.data.displayName,
        inserted: inReader(parsed.data.id),
      });
    }
    return cards;
  }

  async function takeOut(id: string): Promise<void> {
    if (inReader(id)) await rename(join(storeDir, id), join(cardsDir, id));
  }

  return {
    cards: () => serial(list),
    insert: (cardId) =>
      serial(async () => {
        const cards = await list();
        const card = cards.find((c) => c.id === cardId);
        if (!card) throw new AppError('INVALID_INPUT', 'There is no training card with that id.');
        if (card.inserted) return cards;
        for (const other of cards) if (other.inserted) await takeOut(other.id);
        await rename(join(cardsDir, cardId), join(storeDir, cardId));
        return list();
      }),
    remove: () =>
      serial(async () => {
        for (const card of await list()) if (card.inserted) await takeOut(card.id);
        return list();
      }),
  };
}

const readers = new WeakMap<AppConfig, TrainingReader>();

/** The reader for this configuration; NOT_AUTHORISED outside training, CONFIG_INVALID if unset. */
export function trainingReaderFor(config: AppConfig): TrainingReader {
  if (config.environment !== 'training') throw notTraining();
  const existing = readers.get(config);
  if (existing) return existing;
  const where = config.smartcard.trainingReader;
  if (!where) throw new AppError('CONFIG_INVALID', 'No training card reader is configured on this computer.');
  const reader = createTrainingReader({ environment: config.environment, ...where });
  readers.set(config, reader);
  return reader;
}
