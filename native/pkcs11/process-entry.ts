// The PKCS#11 process: a monitor or a session worker, forked by the card service (child_process
// in the test host, Electron utilityProcess in the app). It answers one request at a time; the
// parent's watchdog restarts it if it crashes or stops answering.
import { CardError } from './card-service';
import { cardError, toCardError, toWire } from './errors';
import { Pkcs11Facade } from './facade';
import { isRequestMessage, type Pkcs11Request, type ResponseMessage } from './protocol';

interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

let facade: Pkcs11Facade | undefined;

function handle(request: Pkcs11Request): unknown {
  switch (request.op) {
    case 'ping':
      return 'pong';
    case 'configure':
      facade?.close();
      facade = undefined;
      // The parent has already applied the allow-list to this path (allow-list.ts).
      facade = new Pkcs11Facade(request.module, request.mode);
      return 'ok';
    default:
      break;
  }
  if (!facade) throw cardError('CARD_MODULE_FAILED', 'not configured');
  switch (request.op) {
    case 'scan':
      return facade.scan();
    case 'login':
      return facade.login(request.serial, request.label, request.pin, request.now);
    case 'sign':
      return facade.sign(request.data);
    case 'logout':
      facade.logoutQuietly();
      return 'ok';
  }
}

function respond(send: (message: ResponseMessage) => void, raw: unknown): void {
  if (!isRequestMessage(raw)) return;
  const { id, request } = raw;
  try {
    send({ id, ok: true, value: handle(request) });
  } catch (error) {
    const cardErr = error instanceof CardError ? error : toCardError(error);
    send({ id, ok: false, error: toWire(cardErr) });
  } finally {
    if (request.op === 'login') request.pin.fill(0);
  }
}

const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
if (parentPort) {
  // Electron utilityProcess
  parentPort.on('message', (event) => respond((m) => parentPort.postMessage(m), event.data));
} else if (process.send) {
  const send = process.send.bind(process);
  process.on('message', (raw) => respond((m) => send(m), raw));
  // The parent went away: do not linger holding a card session.
  process.on('disconnect', () => {
    facade?.close();
    process.exit(0);
  });
} else {
  process.stderr.write('pkcs11 process: no parent channel\n');
  process.exit(2);
}
