// A virtual PIV smartcard for the PC/SC path: it speaks vsmartcard-vpcd's socket protocol (each
// message a 2-byte big-endian length and its bytes; 1-byte messages are power off/on, reset and
// "send ATR") and answers the APDUs OpenSC's PIV driver uses (toolchain.md, PKCS#11): SELECT the
// PIV application, GET DATA for discovery / CHUID / the PIV Authentication certificate, VERIFY with
// a retry counter that locks at 0, GENERAL AUTHENTICATE with an RSA-2048 key, GET RESPONSE and
// command chaining. Unlike SoftHSM2 it locks its PIN, so it gives the locked-card case.
//
// "Inserting" the card = connecting to vpcd's port; "removing" it = closing that connection,
// which pcscd sees as a real card removal (pcsc.ts keeps vpcd's listener inside a private
// network namespace, so nothing listens beyond that namespace's loopback).
import { constants, generateKeyPairSync, privateDecrypt, randomBytes, type KeyObject } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { ensureTestCa, issueCardCertificate } from './ca';

const pivAid = Buffer.from('a000000308', 'hex');
/** A minimal T=1 ATR no other OpenSC driver claims, so the PIV driver probes it. */
const atr = Buffer.from('3b80800101', 'hex');
const sw = (value: number) => Buffer.from([value >> 8, value & 0xff]);
const OK = 0x9000;

/** BER-TLV with definite length. */
function tlv(tag: Buffer | number, value: Buffer): Buffer {
  const t = typeof tag === 'number' ? Buffer.from([tag]) : tag;
  const n = value.length;
  const len =
    n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([t, len, value]);
}

/** Reads one TLV at `offset`: [tag byte(s) as hex, value, next offset]. */
function readTlv(buf: Buffer, offset: number): [string, Buffer, number] {
  let i = offset;
  const tagStart = i;
  if (((buf[i] ?? 0) & 0x1f) === 0x1f) {
    i += 1;
    while (((buf[i] ?? 0) & 0x80) !== 0) i += 1;
  }
  i += 1;
  const tag = buf.subarray(tagStart, i).toString('hex');
  let len = buf[i] ?? 0;
  i += 1;
  if (len === 0x81) {
    len = buf[i] ?? 0;
    i += 1;
  } else if (len === 0x82) {
    len = ((buf[i] ?? 0) << 8) | (buf[i + 1] ?? 0);
    i += 2;
  }
  return [tag, buf.subarray(i, i + len), i + len];
}

export interface PivCardOptions {
  readonly uuid: string;
  readonly pin: string;
  /** Folder of the test CA that issues the certificate (ca.ts). */
  readonly caDir: string;
  /** PIN tries before the card locks (PIV default: 3). */
  readonly tries?: number;
  readonly expired?: boolean;
}

interface Apdu {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data: Buffer;
  le: number;
  extended: boolean;
}

function parseApdu(raw: Buffer): Apdu | undefined {
  if (raw.length < 4) return undefined;
  const [cla = 0, ins = 0, p1 = 0, p2 = 0] = raw;
  const body = raw.subarray(4);
  if (body.length === 0) return { cla, ins, p1, p2, data: Buffer.alloc(0), le: 0, extended: false };
  if (body.length === 1)
    return { cla, ins, p1, p2, data: Buffer.alloc(0), le: body[0] || 256, extended: false };
  if (body[0] === 0 && body.length >= 3) {
    // extended length
    if (body.length === 3) {
      return {
        cla,
        ins,
        p1,
        p2,
        data: Buffer.alloc(0),
        le: ((body[1] ?? 0) << 8) | (body[2] ?? 0) || 65536,
        extended: true,
      };
    }
    const lc = ((body[1] ?? 0) << 8) | (body[2] ?? 0);
    const data = body.subarray(3, 3 + lc);
    const rest = body.subarray(3 + lc);
    const le = rest.length >= 2 ? ((rest[0] ?? 0) << 8) | (rest[1] ?? 0) || 65536 : 0;
    return { cla, ins, p1, p2, data, le, extended: true };
  }
  const lc = body[0] ?? 0;
  const data = body.subarray(1, 1 + lc);
  const rest = body.subarray(1 + lc);
  const le = rest.length >= 1 ? rest[0] || 256 : 0;
  return { cla, ins, p1, p2, data, le, extended: false };
}

export class PivCard {
  readonly uuid: string;
  private readonly pin: Buffer;
  private readonly maxTries: number;
  private triesLeft: number;
  private verified = false;
  private pending: Buffer = Buffer.alloc(0);
  private chained: Buffer = Buffer.alloc(0);
  private readonly guid = randomBytes(16);
  /** Per-card FASC-N: OpenSC derives the token serial from it. */
  private readonly fascn = randomBytes(25);
  private socket: Socket | undefined;
  private inbox: Buffer = Buffer.alloc(0);

  private constructor(
    options: PivCardOptions,
    private readonly key: KeyObject,
    private readonly certificate: Buffer,
  ) {
    this.uuid = options.uuid;
    this.pin = Buffer.from(options.pin, 'ascii');
    this.maxTries = options.tries ?? 3;
    this.triesLeft = this.maxTries;
  }

  /** Makes the card: an RSA-2048 key and a certificate from the test CA for `uuid`. */
  static async create(options: PivCardOptions): Promise<PivCard> {
    const ca = await ensureTestCa(options.caDir);
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const der = await issueCardCertificate(ca, {
      uuid: options.uuid,
      publicKeySpki: publicKey.export({ type: 'spki', format: 'der' }),
      ...(options.expired ? { expired: true } : {}),
    });
    return new PivCard(options, privateKey, Buffer.from(der));
  }

  get locked(): boolean {
    return this.triesLeft === 0;
  }

  get inserted(): boolean {
    return this.socket !== undefined;
  }

  /**
   * Puts the card in the reader: connects to vpcd on 127.0.0.1:`port` (retrying while pcscd
   * brings the reader up, bounded by `timeoutMs`).
   */
  async insert(port: number, timeoutMs = 10_000): Promise<void> {
    if (this.socket) return;
    this.verified = false;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        this.socket = await new Promise<Socket>((resolve, reject) => {
          const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
          socket.once('error', reject);
        });
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const socket = this.socket;
    this.inbox = Buffer.alloc(0);
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(socket, chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      if (this.socket === socket) this.socket = undefined;
    });
  }

  /** Takes the card out: drops the connection, which vpcd reports as a removal. */
  async remove(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    this.verified = false;
    if (!socket) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.destroy();
    });
  }

  private onData(socket: Socket, chunk: Buffer): void {
    this.inbox = Buffer.concat([this.inbox, chunk]);
    while (this.inbox.length >= 2) {
      const len = this.inbox.readUInt16BE(0);
      if (this.inbox.length < 2 + len) return;
      const message = this.inbox.subarray(2, 2 + len);
      this.inbox = this.inbox.subarray(2 + len);
      const reply = this.onMessage(message);
      if (reply) {
        const head = Buffer.alloc(2);
        head.writeUInt16BE(reply.length);
        socket.write(Buffer.concat([head, reply]));
      }
    }
  }

  private onMessage(message: Buffer): Buffer | undefined {
    if (message.length === 1) {
      const control = message[0];
      if (control === 0x04) return atr; // GET ATR
      if (control === 0x00 || control === 0x02) this.verified = false; // power off / reset
      return undefined; // power on, off and reset have no answer
    }
    return this.onApdu(message);
  }

  /** Answers `data` now, or its first part with 61xx and the rest through GET RESPONSE. */
  private respond(data: Buffer, apdu: Apdu): Buffer {
    if (apdu.extended && data.length <= apdu.le) return Buffer.concat([data, sw(OK)]);
    const max = Math.min(apdu.le || 256, 256);
    if (data.length <= max) return Buffer.concat([data, sw(OK)]);
    this.pending = data.subarray(max);
    const remaining = Math.min(this.pending.length, 256) & 0xff;
    return Buffer.concat([data.subarray(0, max), Buffer.from([0x61, remaining])]);
  }

  private onApdu(raw: Buffer): Buffer {
    const apdu = parseApdu(raw);
    if (!apdu) return sw(0x6700);
    if (apdu.ins !== 0xc0) this.pending = Buffer.alloc(0);
    switch (apdu.ins) {
      case 0xa4:
        return this.select(apdu);
      case 0xcb:
        return this.getData(apdu);
      case 0x20:
        return this.verify(apdu);
      case 0x87:
        return this.generalAuthenticate(apdu);
      case 0xc0: {
        if (this.pending.length === 0) return sw(0x6985);
        const data = this.pending;
        this.pending = Buffer.alloc(0);
        return this.respond(data, { ...apdu, extended: false });
      }
      default:
        return sw(0x6d00);
    }
  }

  private select(apdu: Apdu): Buffer {
    if (apdu.p1 !== 0x04 || !apdu.data.subarray(0, pivAid.length).equals(pivAid)) return sw(0x6a82);
    // Application Property Template: the PIV AID and its authority.
    const apt = tlv(
      0x61,
      Buffer.concat([tlv(0x4f, Buffer.from('000010000100', 'hex')), tlv(0x79, tlv(0x4f, pivAid))]),
    );
    this.verified = false;
    return this.respond(apt, apdu);
  }

  private getData(apdu: Apdu): Buffer {
    if (apdu.p1 !== 0x3f || apdu.p2 !== 0xff) return sw(0x6a86);
    const [tag, id] = readTlv(apdu.data, 0);
    if (tag !== '5c') return sw(0x6a80);
    const object = id.toString('hex');
    if (object === '7e') {
      // Discovery object: PIV AID and PIN usage policy (PIV application PIN only).
      const body = Buffer.concat([
        tlv(0x4f, Buffer.from('a0000003080000100001 00'.replace(/ /g, ''), 'hex')),
        tlv(Buffer.from('5f2f', 'hex'), Buffer.from([0x40, 0x00])),
      ]);
      return this.respond(tlv(0x7e, body), apdu);
    }
    if (object === '5fc102') {
      // CHUID: FASC-N, GUID (OpenSC's token serial), expiry, empty signature.
      const body = Buffer.concat([
        tlv(0x30, this.fascn),
        tlv(0x34, this.guid),
        tlv(0x35, Buffer.from('20991231', 'ascii')),
        tlv(0x3e, Buffer.alloc(0)),
        tlv(0xfe, Buffer.alloc(0)),
      ]);
      return this.respond(tlv(0x53, body), apdu);
    }
    if (object === '5fc105') {
      // X.509 Certificate for PIV Authentication (key 9A), uncompressed.
      const body = Buffer.concat([
        tlv(0x70, this.certificate),
        tlv(0x71, Buffer.from([0x00])),
        tlv(0xfe, Buffer.alloc(0)),
      ]);
      return this.respond(tlv(0x53, body), apdu);
    }
    return sw(0x6a82);
  }

  private verify(apdu: Apdu): Buffer {
    if (apdu.p2 !== 0x80) return sw(0x6a88);
    if (apdu.p1 === 0xff) {
      this.verified = false;
      return sw(OK);
    }
    if (this.triesLeft === 0) return sw(0x6983);
    if (apdu.data.length === 0) return this.verified ? sw(OK) : sw(0x63c0 | this.triesLeft);
    let end = apdu.data.length;
    while (end > 0 && apdu.data[end - 1] === 0xff) end -= 1;
    if (apdu.data.subarray(0, end).equals(this.pin)) {
      this.triesLeft = this.maxTries;
      this.verified = true;
      return sw(OK);
    }
    this.triesLeft -= 1;
    this.verified = false;
    return this.triesLeft === 0 ? sw(0x6983) : sw(0x63c0 | this.triesLeft);
  }

  private generalAuthenticate(apdu: Apdu): Buffer {
    this.chained = Buffer.concat([this.chained, apdu.data]);
    if ((apdu.cla & 0x10) !== 0) return sw(OK); // more to come (command chaining)
    const data = this.chained;
    this.chained = Buffer.alloc(0);
    if (apdu.p1 !== 0x07 || apdu.p2 !== 0x9a) return sw(0x6a86);
    if (!this.verified) return sw(0x6982);
    const [tag, template] = readTlv(data, 0);
    if (tag !== '7c') return sw(0x6a80);
    let challenge: Buffer | undefined;
    for (let i = 0; i < template.length;) {
      const [t, v, next] = readTlv(template, i);
      if (t === '81') challenge = v;
      i = next;
    }
    if (!challenge || challenge.length !== 256) return sw(0x6a80);
    // The host sends the padded block; the card applies the raw RSA private-key operation.
    const signature = privateDecrypt({ key: this.key, padding: constants.RSA_NO_PADDING }, challenge);
    return this.respond(tlv(0x7c, tlv(0x82, signature)), apdu);
  }
}
