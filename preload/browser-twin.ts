// The browser twin of the preload: gives a page served by the test host the same `window.smsp`,
// carried over the host's loopback channel. The page's address carries a single-use launch token
// (in the fragment, never sent to a server, and removed from the address bar at once); the twin
// exchanges it once for the per-launch secret, which it keeps for this tab only. The secret itself
// is never in an address, so never on a command line or in a log (issue 12 finding 7).
import { createBridge } from './bridge';

const invokePath = '/__smsp/invoke';
const eventsPath = '/__smsp/events';
const sessionPath = '/__smsp/session';
const storageKey = 'smsp.secret';

function takeLaunchToken(): string | null {
  const match = /(?:^#|&)launch=([0-9a-f]{64})/.exec(window.location.hash);
  if (!match?.[1]) return null;
  window.history.replaceState(null, '', window.location.pathname + window.location.search);
  return match[1];
}

async function exchange(token: string): Promise<string | null> {
  try {
    const response = await fetch(sessionPath, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token }),
      credentials: 'omit',
      cache: 'no-store',
    });
    if (!response.ok) return null;
    const body = (await response.json()) as { secret?: unknown };
    return typeof body.secret === 'string' && /^[0-9a-f]{64}$/.test(body.secret) ? body.secret : null;
  } catch {
    return null;
  }
}

/** The secret: from a fresh launch token, else the one this tab already holds (a reload). */
const secretReady: Promise<string> = (async () => {
  const token = takeLaunchToken();
  const exchanged = token ? await exchange(token) : null;
  if (exchanged) {
    window.sessionStorage.setItem(storageKey, exchanged);
    return exchanged;
  }
  return window.sessionStorage.getItem(storageKey) ?? '';
})();

async function connectEvents(
  listener: (event: string, payload: unknown) => void,
  attempt = 0,
): Promise<void> {
  const secret = await secretReady;
  // Without a secret the host would only refuse the socket: do not knock.
  if (!secret) return;
  const url = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}${eventsPath}`;
  const socket = new WebSocket(url, ['smsp', `smsp.${secret}`]);
  socket.addEventListener('message', (message) => {
    try {
      const frame = JSON.parse(String(message.data)) as { event?: unknown; payload?: unknown };
      if (typeof frame.event === 'string') listener(frame.event, frame.payload);
    } catch {
      // A frame that is not ours is ignored.
    }
  });
  socket.addEventListener('close', () => {
    if (attempt < 20) window.setTimeout(() => void connectEvents(listener, attempt + 1), 500);
  });
}

const noSecret = {
  ok: false,
  error: {
    code: 'NOT_AUTHORISED',
    message:
      'This window was opened with an address that has already been used or has expired. Open SCR Desktop again (in the npm start terminal, press Enter for a fresh address).',
  },
} as const;

const bridge = createBridge({
  invoke: async (operation, input) => {
    const secret = await secretReady;
    // Why say so: a spent or expired launch address (or one another program used first) is
    // something the user can fix by opening a fresh one, not a fault to report.
    if (!secret) return noSecret;
    const response = await fetch(invokePath, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-SMSP-Secret': secret },
      body: JSON.stringify({ operation, input }),
      credentials: 'omit',
      cache: 'no-store',
    });
    return response.json();
  },
  subscribe: (listener) => void connectEvents(listener),
});

Object.defineProperty(window, 'smsp', {
  value: bridge,
  writable: false,
  configurable: false,
  enumerable: false,
});
