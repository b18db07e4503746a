// Where the client will poll for an asynchronous reply (issue 12 finding 7). A poll location comes
// from the network (the façade's Content-Location) or from the outbox, which stored what the
// network said. It must be HTTPS on the host (and port) of the endpoint the message was sent to:
// otherwise a tampered or misrouted reply could send our poll — with our client certificate's TLS
// session and the message's identifiers — over plain HTTP or to another server.

/** Why `location` may not be polled for a message sent to `endpoint`; null when it may. */
export function pollLocationProblem(location: string, endpoint: string): string | null {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return 'it is not an address';
  }
  const spine = new URL(endpoint);
  if (url.protocol !== 'https:') return `it is not HTTPS (${url.protocol.replace(/:$/, '')})`;
  if (url.host !== spine.host) return `it is not on the Spine host ${spine.host}`;
  if (url.username || url.password) return 'it carries a user name or password';
  return null;
}

/** What may be audited about a refused location: its scheme and host, never its path or query. */
export function locationSummary(location: string): { scheme: string | null; host: string | null } {
  try {
    const url = new URL(location);
    return { scheme: url.protocol.replace(/:$/, ''), host: url.host };
  } catch {
    return { scheme: null, host: null };
  }
}
