// Shared by the identity service's CIS endpoints and its OIDC provider: the users and their role
// profiles (users.json), bounded body reading, JSON answers, and the card certificate check.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { z } from 'zod';

const Role = z.object({
  roleProfileId: z.string(),
  odsCode: z.string(),
  organisationName: z.string(),
  jobRoleCode: z.string(),
  jobRoleName: z.string(),
  activityCodes: z.array(z.string()),
});
const User = z.object({ uuid: z.string().regex(/^\d{12}$/), displayName: z.string(), roles: z.array(Role) });
export type IdentityUser = z.infer<typeof User>;
const Users = z.object({ users: z.array(User) });

export function loadUsers(): ReadonlyMap<string, IdentityUser> {
  const parsed = Users.parse(JSON.parse(readFileSync(join(import.meta.dirname, 'users.json'), 'utf8')));
  return new Map(parsed.users.map((user) => [user.uuid, user]));
}

const maxBody = 64 * 1024;

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBody) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(response: ServerResponse, status: number, body?: unknown): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}

export type CardCheck =
  | { readonly ok: true; readonly uuid: string; readonly certificate: X509Certificate }
  | {
      readonly ok: false;
      readonly error: 'certificate_untrusted' | 'certificate_expired' | 'certificate_not_yet_valid';
    };

/** The card certificate must be issued by the smartcard CA, valid now, and shaped like an NHS one. */
export function checkCardCertificate(der: Buffer, ca: X509Certificate, now = new Date()): CardCheck {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(der);
  } catch {
    return { ok: false, error: 'certificate_untrusted' };
  }
  if (!certificate.checkIssued(ca) || !certificate.verify(ca.publicKey)) {
    return { ok: false, error: 'certificate_untrusted' };
  }
  if (now < new Date(certificate.validFrom)) return { ok: false, error: 'certificate_not_yet_valid' };
  if (now > new Date(certificate.validTo)) return { ok: false, error: 'certificate_expired' };
  // product.md 3a step 3: O=nhs, OU=people, CN=<12-digit SDS user UUID>, key usage digitalSignature.
  const subject = certificate.subject.split('\n');
  const cn = subject.find((part) => part.startsWith('CN='))?.slice(3) ?? '';
  if (!subject.includes('O=nhs') || !subject.includes('OU=people') || !/^\d{12}$/.test(cn)) {
    return { ok: false, error: 'certificate_untrusted' };
  }
  const usage = new x509.X509Certificate(new Uint8Array(der)).getExtension(x509.KeyUsagesExtension);
  if (usage && !(usage.usages & x509.KeyUsageFlags.digitalSignature)) {
    return { ok: false, error: 'certificate_untrusted' };
  }
  return { ok: true, uuid: cn, certificate };
}
