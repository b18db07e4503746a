// Where an audit export ends up (issue 13). In Electron the privacy officer chooses the place in a
// save dialog and can open the folder afterwards; the test host keeps the bundle under the
// training data folder and the screen shows its full path. The bundle is written and verified in
// the workstation's own exports folder first, then copied to the chosen place and verified again
// there, so what the user holds is what was checked.
import { cpSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { AuditExportResult } from '../../preload/contract';
import { verifyForScreen } from './verify';

/** The host's way of asking where to save and of showing a folder (Electron's dialog and shell). */
export interface ExportLocation {
  /** A new folder path the user chose (it must not exist yet), or null when they cancelled. */
  choose(suggestedName: string): Promise<string | null>;
  /** Opens the system's file manager at the folder. */
  show(folder: string): void;
}

/** Copies a written bundle to `target` and returns the result as verified at its new place. */
export async function placeBundle(
  result: AuditExportResult,
  target: string,
  trusted: readonly string[],
): Promise<AuditExportResult> {
  // Why: never write into something that already exists; a bundle folder is created whole.
  const folder = existsSync(target) ? join(target, basename(result.folder)) : target;
  cpSync(result.folder, folder, { recursive: true, errorOnExist: true, force: false });
  return {
    ...result,
    folder,
    verification: await verifyForScreen(folder, [result.keyFingerprint, ...trusted]),
  };
}
