// Serves the built renderer from the privileged app:// scheme (never file://), with the CSP and
// security headers, and refuses any path that would leave the renderer folder.
import { readFile } from 'node:fs/promises';
import { securityHeaders } from '../app/csp';
import { contentTypeFor, resolveStaticPath } from '../app/static-files';
import type { ProtocolLike } from './electron-api';

export const appScheme = 'app';

/** Must run before the app is ready. */
export function registerAppScheme(protocol: ProtocolLike): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: appScheme,
      privileges: { standard: true, secure: true, supportFetchAPI: false, corsEnabled: false, stream: false },
    },
  ]);
}

export function createAppRequestHandler(rendererDir: string): (request: Request) => Promise<Response> {
  const headers = securityHeaders('electron');
  return async (request) => {
    const url = new URL(request.url);
    const file =
      url.host === 'smsp' && request.method === 'GET' ? resolveStaticPath(rendererDir, url.pathname) : null;
    if (!file) return new Response('Not found', { status: 404, headers });
    try {
      const body = await readFile(file);
      return new Response(body, {
        status: 200,
        headers: { ...headers, 'Content-Type': contentTypeFor(file) },
      });
    } catch {
      return new Response('Not found', { status: 404, headers });
    }
  };
}

export function registerAppProtocol(protocol: ProtocolLike, rendererDir: string): void {
  protocol.handle(appScheme, createAppRequestHandler(rendererDir));
}
