// Waiting, within a deadline, for the card service to report a real token event (a SoftHSM2 token
// folder moved, or the virtual PC/SC card inserted or pulled).
import type { CardEvent, CardService, CardToken } from '../../../native/pkcs11/card-service';

export function waitForCardEvent(
  service: CardService,
  type: CardEvent['type'],
  label: string,
  deadlineMs: number,
): Promise<{ token: CardToken; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${type} event for ${label} within ${deadlineMs} ms`));
    }, deadlineMs);
    const off = service.onEvent((event) => {
      if (event.type === type && event.token.label === label) {
        clearTimeout(timer);
        off();
        resolve({ token: event.token, ms: Date.now() - started });
      }
    });
  });
}
