// What differs between the Electron app and the test host, handed to bootstrap by each host:
// how the audit database key is kept (safeStorage vs a key file) and how the PKCS#11 process is
// started (utilityProcess vs a child process). Each capability declares the piece it needs here.
export interface Platform {
  readonly host: 'electron' | 'test-host';
}
