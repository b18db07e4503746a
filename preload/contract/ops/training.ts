// training.*: the training card reader and other training-mode-only controls (issue 5).
// Main refuses every training.* operation outside the training environment.
import { z } from 'zod';
import { defineOperation } from '../operation';

export const TrainingCard = z.object({
  /** Stable id of the virtual card (its SDS user UUID for the training roster). */
  id: z.string(),
  /** "SURNAME, Given", as on the card. */
  displayName: z.string(),
  /** Whether the card is in the training reader now. */
  inserted: z.boolean(),
});
export type TrainingCard = z.infer<typeof TrainingCard>;

export const TrainingCards = z.object({ cards: z.array(TrainingCard) });
export type TrainingCards = z.infer<typeof TrainingCards>;

export const trainingOperations = {
  'training.cards': defineOperation({
    summary: 'The virtual training cards and which one is in the training reader.',
    input: z.object({}).strict(),
    output: TrainingCards,
  }),
  'training.insertCard': defineOperation({
    summary: 'Put a virtual card in the training reader (taking out any other card first).',
    input: z
      .object({ cardId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a card id is letters, digits, - or _') })
      .strict(),
    output: TrainingCards,
  }),
  'training.removeCard': defineOperation({
    summary: 'Take the card out of the training reader.',
    input: z.object({}).strict(),
    output: TrainingCards,
  }),
} as const;
