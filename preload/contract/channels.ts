// Names shared by both ends of the bridge, with no schema library behind them, so the preload
// and the browser twin stay small.
export const ipcChannels = { invoke: 'smsp:invoke', event: 'smsp:event' } as const;

export const eventNameList = [
  'card.inserted',
  'card.removed',
  'session.changed',
  'session.locked',
  'session.timeoutWarning',
  'upload.status',
  'audit.unavailable',
  'audit.integrity',
  'launch.changed',
] as const;
