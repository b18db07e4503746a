// The identity service the sandbox hosts for smartcard login (issue 5): CIS challenge/response
// (product.md 3a steps 4–7) verifying the card's signature with its certificate and the
// certificate against the smartcard test CA (and its validity), role profiles per user from
// users.json, and a CIS2-style OIDC provider (oidc.ts; product.md 3b). Paths live under
// /identity/; anything else is left to the sandbox.
import { randomBytes, verify as verifySignature, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { checkCardCertificate, loadUsers, readBody, sendJson } from './common';
import { cisPaths } from '../../../main/auth/cis-provider';
import { createOidcProvider, type OidcProvider } from './oidc';

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

export const identityPrefix = '/identity';
export { checkCardCertificate, loadUsers, type IdentityUser } from './common';
export { trainingClientId, trainingClientKeyFile } from './oidc';

const ValidateBody = z.object({
  challengeId: z.string().min(1).max(128),
  signature: z.string().min(1).max(4096),
  certificate: z.string().min(1).max(16_384),
  card_type: z.string().optional(),
});
const TicketBody = z.object({
  sso_ticket: z.string().min(1).max(256),
  selectedRoleUid: z.string().optional(),
});

const challengeTtlMs = 60_000;
const maxOutstanding = 1000;
/** product.md 3b step 7: 15 minutes idle, 12 hours maximum. */
const sessionSeconds = 15 * 60;
const maxSessionSeconds = 12 * 3600;

export interface Ticket {
  readonly uuid: string;
  readonly issued: number;
  selectedRoleUid: string | null;
}

export async function createIdentityService(options: IdentityServiceOptions): Promise<IdentityService> {
  await mkdir(options.dataDir, { recursive: true });
  const ca = new X509Certificate(readFileSync(options.smartcardCaFile));
  const users = loadUsers();
  const challenges = new Map<string, { readonly bytes: Buffer; readonly expires: number }>();
  const tickets = new Map<string, Ticket>();
  const oidc: OidcProvider = await createOidcProvider({
    issuer: `${options.baseUrl.replace(/\/+$/, '')}${identityPrefix}/oidc`,
    dataDir: options.dataDir,
    ca,
    users,
  });

  const prune = () => {
    const now = Date.now();
    for (const [id, entry] of challenges) if (entry.expires < now) challenges.delete(id);
    while (challenges.size >= maxOutstanding) {
      const oldest = challenges.keys().next().value;
      if (oldest === undefined) break;
      challenges.delete(oldest);
    }
    while (tickets.size >= maxOutstanding) {
      const oldest = tickets.keys().next().value;
      if (oldest === undefined) break;
      tickets.delete(oldest);
    }
  };

  const activate = (response: ServerResponse) => {
    prune();
    const challengeId = randomBytes(16).toString('hex');
    const bytes = randomBytes(32);
    challenges.set(challengeId, { bytes, expires: Date.now() + challengeTtlMs });
    sendJson(response, 200, { challengeId, challenge: bytes.toString('base64') });
  };

  const validate = (response: ServerResponse, body: unknown) => {
    const parsed = ValidateBody.safeParse(body);
    if (!parsed.success) return sendJson(response, 400, { error: 'bad_request' });
    const { challengeId, signature, certificate } = parsed.data;
    const challenge = challenges.get(challengeId);
    // Single use: a challenge is spent whether or not the answer is good.
    challenges.delete(challengeId);
    if (!challenge || challenge.expires < Date.now())
      return sendJson(response, 401, { error: 'challenge_unknown' });
    const check = checkCardCertificate(Buffer.from(certificate, 'base64'), ca);
    if (!check.ok) return sendJson(response, 401, { error: check.error });
    const good = verifySignature(
      'sha256',
      challenge.bytes,
      check.certificate.publicKey,
      Buffer.from(signature, 'base64'),
    );
    if (!good) return sendJson(response, 401, { error: 'signature_invalid' });
    const user = users.get(check.uuid);
    if (!user) return sendJson(response, 403, { error: 'user_unknown' });
    prune();
    const ticket = randomBytes(24).toString('hex');
    tickets.set(ticket, { uuid: user.uuid, issued: Date.now(), selectedRoleUid: null });
    return sendJson(response, 200, {
      sso_ticket: ticket,
      uid: user.uuid,
      cn: user.displayName,
      roles: user.roles,
      sso_session_time: sessionSeconds,
      sso_max_session_time: maxSessionSeconds,
    });
  };

  const roleSelection = (response: ServerResponse, body: unknown) => {
    const parsed = TicketBody.safeParse(body);
    if (!parsed.success || !parsed.data.selectedRoleUid)
      return sendJson(response, 400, { error: 'bad_request' });
    const ticket = tickets.get(parsed.data.sso_ticket);
    if (!ticket) return sendJson(response, 401, { error: 'challenge_unknown' });
    const user = users.get(ticket.uuid);
    if (!user?.roles.some((role) => role.roleProfileId === parsed.data.selectedRoleUid)) {
      return sendJson(response, 400, { error: 'bad_request' });
    }
    ticket.selectedRoleUid = parsed.data.selectedRoleUid;
    return sendJson(response, 204);
  };

  const logout = (response: ServerResponse, body: unknown) => {
    const parsed = TicketBody.safeParse(body);
    if (parsed.success) tickets.delete(parsed.data.sso_ticket);
    return sendJson(response, 204);
  };

  return {
    handle: async (request, response) => {
      const url = new URL(request.url ?? '/', 'https://127.0.0.1');
      if (url.pathname !== identityPrefix && !url.pathname.startsWith(`${identityPrefix}/`)) return false;
      const path = url.pathname.slice(identityPrefix.length);
      if (path.startsWith('/oidc/') || path === '/oidc') {
        await oidc.handle(request, response, path.slice('/oidc'.length), url);
        return true;
      }
      if (request.method !== 'POST') {
        sendJson(response, 405, { error: 'bad_request' });
        return true;
      }
      let body: unknown;
      try {
        const text = await readBody(request);
        body = text ? JSON.parse(text) : {};
      } catch {
        sendJson(response, 400, { error: 'bad_request' });
        return true;
      }
      switch (path) {
        case cisPaths.activate:
          activate(response);
          break;
        case cisPaths.validate:
          validate(response, body);
          break;
        case cisPaths.roleSelection:
          roleSelection(response, body);
          break;
        case cisPaths.logout:
          logout(response, body);
          break;
        default:
          sendJson(response, 404, { error: 'bad_request' });
      }
      return true;
    },
    close: async () => {
      challenges.clear();
      tickets.clear();
      oidc.close();
    },
  };
}
