// Fakes for the session unit tests: a card service whose tokens come and go when the test says
// (with software "cards" from pki.ts behind them), an identity provider with canned role
// profiles, an audit sink that can be made to fail, and an event recorder.
import {
  CardError,
  type CardEvent,
  type CardLogin,
  type CardService,
  type CardToken,
} from '../../../native/pkcs11/card-service';
import type { AuditEventInput, AuditSink } from '../../../main/audit/sink';
import type { EventBus } from '../../../main/api/event-bus';
import type { EventName } from '../../../preload/contract';
import {
  IdentityError,
  type CardProof,
  type Identity,
  type IdentityProvider,
  type IdentityRole,
} from '../../../main/auth/identity-provider';
import type { SoftCard } from './pki';

export interface FakeCard {
  readonly token: CardToken;
  readonly pin: string;
  readonly soft: SoftCard;
  /** What login fails with, if anything (expired certificate, locked…). */
  readonly fails?: CardError;
}

export class FakeCards implements CardService {
  private readonly listeners = new Set<(event: CardEvent) => void>();
  private inReader: FakeCard | null = null;
  private loggedIn: FakeCard | null = null;
  readonly pinsSeen: Buffer[] = [];
  loginCalls = 0;
  wrongTries = 0;

  tokens(): readonly CardToken[] {
    return this.inReader ? [this.inReader.token] : [];
  }
  onEvent(listener: (event: CardEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  insert(card: FakeCard): void {
    this.inReader = card;
    for (const listener of this.listeners) listener({ type: 'inserted', token: card.token });
  }
  remove(): void {
    const card = this.inReader;
    if (!card) return;
    this.inReader = null;
    this.loggedIn = null;
    for (const listener of this.listeners) listener({ type: 'removed', token: card.token });
  }
  async login(token: CardToken, pin: Buffer): Promise<CardLogin> {
    this.loginCalls += 1;
    this.pinsSeen.push(pin);
    const typed = pin.toString('utf8');
    pin.fill(0);
    const card = this.inReader;
    if (!card || card.token.serial !== token.serial) throw new CardError('CARD_REMOVED', 'card removed');
    if (card.fails) throw card.fails;
    if (typed !== card.pin) {
      this.wrongTries += 1;
      throw new CardError(
        'PIN_INCORRECT',
        'wrong pin',
        this.wrongTries >= 2 ? 'final' : 'low',
        'CKR_PIN_INCORRECT',
      );
    }
    this.wrongTries = 0;
    this.loggedIn = card;
    return { token, certificateDer: card.soft.certificateDer };
  }
  async sign(data: Uint8Array): Promise<Uint8Array> {
    if (!this.loggedIn) throw new CardError('CARD_ERROR', 'not logged in');
    return this.loggedIn.soft.sign(data);
  }
  async logout(): Promise<void> {
    this.loggedIn = null;
  }
  async close(): Promise<void> {
    this.listeners.clear();
  }
}

export function fakeCard(soft: SoftCard, pin: string, serial: string, fails?: CardError): FakeCard {
  return {
    token: { slotId: serial, label: `CARD ${soft.uuid}`, serial, manufacturer: 'test' },
    pin,
    soft,
    ...(fails ? { fails } : {}),
  };
}

export const pharmacistRole: IdentityRole = {
  roleProfileId: '555000000101',
  odsCode: 'FQ001',
  organisationName: 'Riverside Pharmacy',
  jobRoleCode: 'S8000:G8000:R1290',
  jobRoleName: 'Pharmacist',
  activityCodes: ['B0264', 'B0370', 'B0401', 'B0168'],
};
export const noAccessRole: IdentityRole = {
  roleProfileId: '555000000801',
  odsCode: 'FQ001',
  organisationName: 'Riverside Pharmacy',
  jobRoleCode: 'S8000:G8000:R8008',
  jobRoleName: 'Admin/Clinical Support Access Role',
  activityCodes: ['B0572'],
};

/** Canned identities per SDS UUID; signs nothing itself but asks the card to sign a challenge. */
export class FakeIdentity implements IdentityProvider {
  readonly kind = 'cis' as const;
  readonly selected: string[] = [];
  readonly loggedOut: string[] = [];
  failWith: IdentityError | null = null;
  /** Answer as this user whatever the card says (a misbehaving service). */
  answerAs: string | null = null;
  constructor(private readonly people: Readonly<Record<string, { name: string; roles: IdentityRole[] }>>) {}

  async authenticate(card: CardProof): Promise<Identity> {
    if (this.failWith) throw this.failWith;
    const signature = await card.sign(new Uint8Array([1, 2, 3]));
    if (signature.length === 0) throw new IdentityError('IDENTITY_SERVICE_ERROR', 'no signature');
    const { X509Certificate } = await import('node:crypto');
    const cn =
      this.answerAs ?? /CN=(\d{12})/.exec(new X509Certificate(card.certificateDer).subject)?.[1] ?? '';
    const person = this.people[cn];
    if (!person) throw new IdentityError('NO_CERTIFICATE', 'unknown user');
    return { userUuid: cn, displayName: person.name, ssoToken: `ticket-${cn}`, roles: person.roles };
  }
  async selectRole(_identity: Identity, roleProfileId: string): Promise<void> {
    this.selected.push(roleProfileId);
  }
  async logout(identity: Identity): Promise<void> {
    this.loggedOut.push(identity.userUuid);
  }
  async close(): Promise<void> {}
}

export class RecordingAudit implements AuditSink {
  readonly entries: AuditEventInput[] = [];
  failing = false;
  async record(event: AuditEventInput) {
    if (this.failing) throw new Error('disk full');
    this.entries.push(event);
    return { sequence: this.entries.length };
  }
  types(): string[] {
    return this.entries.map((entry) => `${entry.type}:${entry.outcome}`);
  }
}

export function recordEvents(bus: EventBus): { name: EventName; payload: unknown }[] {
  const seen: { name: EventName; payload: unknown }[] = [];
  bus.subscribe((name, payload) => seen.push({ name, payload }));
  return seen;
}
