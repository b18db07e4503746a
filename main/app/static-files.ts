// Resolves a request path to a file inside the built renderer folder, for both the Electron
// `app://` protocol and the test host. Anything that would leave the folder is refused:
// encoded dot-segments, backslashes, NUL bytes and absolute paths included.
import { realpathSync } from 'node:fs';
import { extname, resolve, sep } from 'node:path';

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

export function contentTypeFor(file: string): string {
  return contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Returns the absolute file path for `urlPath` inside `root`, or null if it is not allowed. */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split(/[?#]/, 1)[0] ?? '');
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((segment) => segment.length > 0);
  if (segments.some((segment) => segment === '..' || segment === '.')) return null;
  const relative = segments.length === 0 ? 'index.html' : segments.join('/');
  const rootPath = resolve(root);
  const candidate = resolve(rootPath, relative);
  if (candidate !== rootPath && !candidate.startsWith(rootPath + sep)) return null;
  // A symbolic link inside the folder must not lead outside it either.
  try {
    const real = realpathSync(candidate);
    const realRoot = realpathSync(rootPath);
    if (real !== realRoot && !real.startsWith(realRoot + sep)) return null;
    return real;
  } catch {
    return null;
  }
}
