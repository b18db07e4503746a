// training.*: the training card reader and other training-mode-only controls (issue 5).
// Open before sign-in (a trainer inserts the card first), but refused with NOT_AUTHORISED in any
// environment other than training (main/auth/training-reader.ts).
import type { HandlerTable } from '../handler';
import { defineHandler } from '../handler';
import { trainingReaderFor } from '../../auth/training-reader';

export const trainingCards = defineHandler({
  operation: 'training.cards',
  feature: null,
  handle: async (_input, { services }) => ({ cards: await trainingReaderFor(services.config).cards() }),
});

export const trainingInsertCard = defineHandler({
  operation: 'training.insertCard',
  feature: null,
  handle: async ({ cardId }, { services }) => ({
    cards: await trainingReaderFor(services.config).insert(cardId),
  }),
});

export const trainingRemoveCard = defineHandler({
  operation: 'training.removeCard',
  feature: null,
  handle: async (_input, { services }) => ({ cards: await trainingReaderFor(services.config).remove() }),
});

export const trainingHandlers = {
  'training.cards': trainingCards,
  'training.insertCard': trainingInsertCard,
  'training.removeCard': trainingRemoveCard,
} satisfies Partial<HandlerTable>;
