// The training card reader panel (training mode only): one button per virtual card and a
// "Remove card" button. Main moves the card's token folder; the session then sees a real
// PKCS#11 insertion or removal, so this panel never changes the session itself.
import { useCallback, useEffect, useState } from 'react';
import type { TrainingCard } from '../../../preload/contract';
import { invoke } from '../../lib/api';

/** "PHARMACIST, Test" → the button's name stays as on the card: SURNAME, Given. */
const insertLabel = (card: TrainingCard) => `Insert card: ${card.displayName}`;

export function TrainingCardReader() {
  const [cards, setCards] = useState<readonly TrainingCard[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const apply = useCallback((result: Awaited<ReturnType<typeof invoke<'training.cards'>>>) => {
    if (result.ok) {
      setCards(result.value.cards);
      setError(null);
    } else setError(result.error.message);
  }, []);

  useEffect(() => {
    let live = true;
    void invoke('training.cards', {}).then((result) => {
      if (live) apply(result);
    });
    return () => {
      live = false;
    };
  }, [apply]);

  const run = async (work: () => ReturnType<typeof invoke<'training.cards'>>) => {
    setBusy(true);
    try {
      apply(await work());
    } finally {
      setBusy(false);
    }
  };

  const inserted = cards.find((c) => c.inserted);
  return (
    <section className="app-training-reader" aria-label="Training card reader">
      <h2 className="nhsuk-heading-s">Training card reader</h2>
      <p className="nhsuk-body-s" aria-live="polite">
        {inserted ? `Card in reader: ${inserted.displayName}` : 'No card in the reader'}
      </p>
      {error ? (
        <p className="nhsuk-error-message" role="alert">
          {error}
        </p>
      ) : null}
      <ul className="nhsuk-list">
        {cards.map((card) => (
          <li key={card.id}>
            <button
              type="button"
              className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
              aria-pressed={card.inserted}
              disabled={busy}
              onClick={() => void run(() => invoke('training.insertCard', { cardId: card.id }))}
            >
              {insertLabel(card)}
            </button>
          </li>
        ))}
      </ul>
      <button
        type="button"
        className="nhsuk-button nhsuk-button--reverse nhsuk-button--small"
        disabled={busy || !inserted}
        onClick={() => void run(() => invoke('training.removeCard', {}))}
      >
        Remove card
      </button>
    </section>
  );
}
