// The browser twin of the preload: gives a page served by the test host the same `window.smsp`,
// carried over the host's loopback channel. The per-launch secret arrives in the URL fragment
// (never sent to a server), is kept for this tab only, and is removed from the address bar.
import { createBridge } from './bridge';

const invokePath = '/__smsp/invoke';
const eventsPath = '/__smsp/events';
const storageKey = 'smsp.secret';

function takeSecret(): string {
  const match = /(?:^#|&)smsp=([0-9a-f]{64})/.exec(window.location.hash);
  if (match?.[1]) {
    window.sessionStorage.setItem(storageKey, match[1]);
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
    return match[1];
  }
  return window.sessionStorage.getItem(storageKey) ?? '';
}

const secret = takeSecret();

function connectEvents(listener: (event: string, payload: unknown) => void, attempt = 0): void {
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
    if (attempt < 20) window.setTimeout(() => connectEvents(listener, attempt + 1), 500);
  });
}

const bridge = createBridge({
  invoke: async (operation, input) => {
    const response = await fetch(invokePath, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-SMSP-Secret': secret },
      body: JSON.stringify({ operation, input }),
      credentials: 'omit',
      cache: 'no-store',
    });
    return response.json();
  },
  subscribe: (listener) => connectEvents(listener),
});

Object.defineProperty(window, 'smsp', {
  value: bridge,
  writable: false,
  configurable: false,
  enumerable: false,
});
