// The identity service the sandbox hosts for smartcard login (issue 5): CIS challenge/response
// against the test CA, role profiles per user, and a CIS2-style OIDC provider.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface IdentityService {
  /** Handles the request and returns true when the path is the identity service's. */
  handle(request: IncomingMessage, response: ServerResponse): Promise<boolean>;
  close(): Promise<void>;
}

export interface IdentityServiceOptions {
  /** The sandbox's base URL, for OIDC issuer and endpoint URLs. */
  readonly baseUrl: string;
  /** Folder for the identity service's own state (signing keys). */
  readonly dataDir: string;
  /** PEM of the test CA that issues the virtual smartcards' certificates (test/smartcard). */
  readonly smartcardCaFile: string;
}

export async function createIdentityService(_options: IdentityServiceOptions): Promise<IdentityService> {
  return { handle: async () => false, close: async () => undefined };
}
