// What differs between the Electron app and the test host, handed to bootstrap by each host:
// how the audit database key is kept (safeStorage vs a key file) and how the PKCS#11 process is
// started (utilityProcess vs a child process). Each capability declares the piece it needs here.
import type { AuditKeyStore } from '../audit/key-store';
import type { ExportLocation } from '../audit/export-location';
import type { Pkcs11Launcher } from '../../native/pkcs11/launcher';

export interface Platform {
  readonly host: 'electron' | 'test-host';
  /** How PKCS#11 processes start: utilityProcess in Electron; absent → child_process.fork (test host). */
  readonly pkcs11?: Pkcs11Launcher;
  /** The audit database key (safeStorage in Electron); without it, `<dataDir>/audit.key` (0600). */
  readonly auditKeys?: AuditKeyStore;
  /** Electron: a save dialog for audit exports and "open folder"; absent → the data folder (test host). */
  readonly exportLocation?: ExportLocation;
}
