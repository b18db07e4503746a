// The PKCS#11 module allow-list. A module is loaded only if its resolved real path equals the
// real path of a configured entry: a symlink or a `..` path cannot smuggle in another library,
// and a path never comes from the renderer (issue 5; product.md section 9).
import { realpathSync } from 'node:fs';
import { cardError } from './errors';

function real(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/** The real path to load, or a CARD_MODULE_FAILED CardError when it is not allowed or missing. */
export function resolveAllowedModule(allowList: readonly string[], module: string): string {
  const wanted = real(module);
  if (wanted === undefined) throw cardError('CARD_MODULE_FAILED', 'module not found');
  const allowed = allowList.map(real).filter((p): p is string => p !== undefined);
  if (!allowed.includes(wanted)) throw cardError('CARD_MODULE_FAILED', 'module not in allow-list');
  return wanted;
}
