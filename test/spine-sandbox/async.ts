// The asynchronous side of the sandbox (spine-hl7v3.md 4, 4.4, 4.6; issue 4 §2):
// `/reliablemessaging/reliablerequest` and `/reliablemessaging/queryrequest` accept ebXML
// (202, with an ebXML Acknowledgment on the same connection for reliable messages, SyncReply),
// eliminate duplicate reliable MessageIds within the persist duration (same answer, no second
// state change), build the business reply, and make it available two ways: the sync-async façade
// (Content-Location + Retry-After, GET until 200; bounded retention) and, when configured, a POST
// to the client's inbound endpoint that must answer reliable deliveries with an ebXML
// Acknowledgment (bounded retries).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { ebxmlAcknowledgment, ebxmlMessageError, faultForRule, RuleViolation, soapFault } from './errors';
import {
  buildEbxmlMessage,
  EbxmlViolation,
  MULTIPART_CONTENT_TYPE,
  parseEbxmlRequest,
  type EbxmlRequest,
} from './ebxml';
import type { FaultBook, FaultRule } from './faults';
import { ackFault, mcci, psisIssue, type Reply } from './hl7';
import { interactionById, RELIABILITY, type InteractionDef } from './interactions';
import type { SandboxState } from './patients';
import { advancedTrace } from './pds';
import { documentData, documentList } from './psis';
import { authorProblem, nhsNumberOf, wrapperProblem } from './soap';
import type { Answer, SandboxIdentity } from './sync';
import { selfClaim, uploadGpSummary } from './upload';
import { attr, child, parseXml, path, text } from './xml';

export interface InboundTarget {
  /** The client's inbound endpoint, e.g. `https://127.0.0.1:9443/`. */
  readonly url: string;
  /** PEM (text or file path) of the CA that issued the inbound listener's certificate; default: the sandbox CA. */
  readonly ca?: string;
}

export interface Delivery {
  readonly messageId: string;
  readonly refToMessageId: string;
  readonly interaction: string;
  attempts: number;
  acknowledged: boolean;
  /** The last outcome in words (HTTP status, ack missing, network error). */
  lastResult: string;
}

interface PollEntry {
  ready: boolean;
  body: string | null;
  expires: number;
}

interface Accepted {
  readonly answer: Answer;
  readonly headers: Record<string, string>;
  readonly expires: number;
}

export interface AsyncOptions {
  readonly state: SandboxState;
  readonly ids: SandboxIdentity & { readonly knownPartyKeys: ReadonlySet<string> };
  readonly faults: FaultBook;
  readonly tls: { readonly key: string; readonly cert: string; readonly ca: string };
  /** Base delay before a reply is ready (ms). */
  readonly replyDelayMs: number;
  /** Retry-After value for the façade, in milliseconds (spec 4.6). */
  readonly retryAfterMs: number;
  readonly deliveryAttempts: number;
  readonly deliveryIntervalMs: number;
  readonly retentionMs: number;
}

const XML = 'text/xml; charset=UTF-8';
const MAX_RETAINED = 5000;

export class AsyncService {
  private readonly polls = new Map<string, PollEntry>();
  private readonly seen = new Map<string, Accepted>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private inbound: InboundTarget | null = null;
  private closed = false;
  readonly deliveries: Delivery[] = [];

  constructor(private readonly o: AsyncOptions) {}

  setInbound(target: InboundTarget | null): void {
    this.inbound = target;
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private later(ms: number, fn: () => void): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private prune(now: number): void {
    for (const [k, v] of this.polls) if (v.expires < now) this.polls.delete(k);
    for (const [k, v] of this.seen) if (v.expires < now) this.seen.delete(k);
    // Bounded retention: the oldest entries go first (Maps iterate in insertion order).
    for (const map of [this.polls, this.seen] as Map<string, unknown>[]) {
      while (map.size > MAX_RETAINED) {
        const first = map.keys().next().value;
        if (first === undefined) break;
        map.delete(first);
      }
    }
  }

  /** GET of a façade location: 202 + Retry-After until ready, then 200 with the reply. */
  poll(id: string): Pick<Answer, 'status' | 'body' | 'contentType'> & { headers: Record<string, string> } {
    this.prune(Date.now());
    const entry = this.polls.get(id);
    if (!entry) return { status: 404, body: 'unknown or expired', contentType: 'text/plain', headers: {} };
    if (!entry.ready || entry.body === null) {
      return {
        status: 202,
        body: '',
        contentType: 'text/plain',
        headers: { 'Retry-After': String(this.o.retryAfterMs) },
      };
    }
    return { status: 200, body: entry.body, contentType: MULTIPART_CONTENT_TYPE, headers: {} };
  }

  /** Reads enough of a request to choose faults, without side effects. */
  peek(contentType: string, body: Buffer): { interaction: string | null; nhsNumber: string | null } {
    try {
      const text_ = body.toString('utf8');
      const action = /<(?:\w+:)?Action>\s*([A-Za-z0-9_]+)\s*</.exec(text_)?.[1] ?? null;
      const nhs =
        /root="2\.16\.840\.1\.113883\.2\.1\.4\.1"\s+extension="(\d+)"|extension="(\d+)"\s+root="2\.16\.840\.1\.113883\.2\.1\.4\.1"/.exec(
          text_,
        );
      void contentType;
      return { interaction: action, nhsNumber: nhs?.[1] ?? nhs?.[2] ?? null };
    } catch {
      return { interaction: null, nhsNumber: null };
    }
  }

  /** POST to the reliable or query endpoint. */
  accept(
    path_: string,
    contentType: string,
    soapAction: string,
    body: Buffer,
    replyFault: FaultRule | null,
    ebxmlFault: FaultRule | null,
  ): Answer & { headers: Record<string, string> } {
    const now = Date.now();
    this.prune(now);
    let parsed: { request: EbxmlRequest; def: InteractionDef };
    try {
      parsed = parseEbxmlRequest(
        contentType,
        body,
        soapAction,
        (action) => interactionById.get(action),
        { spinePartyKey: this.o.ids.spinePartyKey, knownPartyKeys: this.o.ids.knownPartyKeys },
        path_,
      );
    } catch (error) {
      if (!(error instanceof EbxmlViolation)) throw error;
      return this.violation(error);
    }
    const { request, def } = parsed;
    const nhsNumber = nhsNumberOf(request.hl7.root);
    // Spec 4.5 / ebMS 2.0: a reliable message seen before is answered as before, not processed again.
    if (def.pattern === 'reliable') {
      const previous = this.seen.get(request.messageId);
      if (previous) return { ...previous.answer, headers: previous.headers };
    }
    const parties = {
      fromPartyKey: this.o.ids.spinePartyKey,
      toPartyKey: request.fromPartyKey,
      cpaId: request.cpaId,
      conversationId: request.conversationId,
    };
    if (ebxmlFault) {
      return {
        status: 200,
        body: ebxmlMessageError(parties, request.messageId, {
          description: ebxmlFault.description ?? '200:System failure to process message',
        }),
        contentType: XML,
        interaction: def.id,
        nhsNumber,
        headers: {},
      };
    }
    const pollId = randomUUID();
    const entry: PollEntry = { ready: false, body: null, expires: now + this.o.retentionMs };
    this.polls.set(pollId, entry);
    const headers = {
      'Content-Location':
        replyFault?.kind === 'poll-location' && replyFault.location
          ? replyFault.location
          : `${this.o.ids.url}/_poll/${pollId}`,
      'Retry-After': String(this.o.retryAfterMs),
    };
    const answer: Answer = {
      status: 202,
      // Spec 4.3: SyncReply + MSHSignalsOnly → only the ebXML Acknowledgment on this connection.
      body: def.pattern === 'reliable' ? ebxmlAcknowledgment(parties, request.messageId) : '',
      contentType: def.pattern === 'reliable' ? XML : 'text/plain',
      interaction: def.id,
      nhsNumber,
    };
    if (def.pattern === 'reliable') {
      this.seen.set(request.messageId, { answer, headers, expires: now + RELIABILITY.persistDurationMs });
    }
    const reply = this.businessReply(request, def, replyFault);
    const replyFaults = [replyFault].filter((r): r is FaultRule => r !== null);
    const drop = replyFaults.some((r) => r.kind === 'async-drop');
    const extraDelay = replyFaults.find((r) => r.kind === 'async-delay')?.ms ?? 0;
    const duplicate = replyFaults.some((r) => r.kind === 'async-duplicate');
    if (!drop) {
      const reliableReply = def.pattern === 'reliable';
      const message = buildEbxmlMessage({
        ...parties,
        service: def.service,
        action: /^<([A-Za-z0-9_]+)/.exec(reply)?.[1] ?? 'MCCI_IN010000UK13',
        refToMessageId: request.messageId,
        reliable: reliableReply,
        hl7: reply,
      });
      this.later(this.o.replyDelayMs + extraDelay, () => {
        entry.ready = true;
        entry.body = message.body;
        if (this.inbound) {
          const soapActionOut = `${def.service}/${/^<([A-Za-z0-9_]+)/.exec(reply)?.[1] ?? 'MCCI_IN010000UK13'}`;
          const record: Delivery = {
            messageId: message.messageId,
            refToMessageId: request.messageId,
            interaction: soapActionOut.slice(soapActionOut.lastIndexOf('/') + 1),
            attempts: 0,
            acknowledged: false,
            lastResult: 'pending',
          };
          this.deliveries.push(record);
          void this.deliver(this.inbound, record, soapActionOut, message.body, reliableReply);
          if (duplicate) {
            const copy: Delivery = { ...record, attempts: 0, acknowledged: false, lastResult: 'pending' };
            this.deliveries.push(copy);
            void this.deliver(this.inbound, copy, soapActionOut, message.body, reliableReply);
          }
        }
      });
    }
    return { ...answer, headers };
  }

  private violation(error: EbxmlViolation): Answer & { headers: Record<string, string> } {
    if (error.where === 'fault') {
      const rule =
        error.rule === 'UNSUPPORTED_INTERACTION' ? 'UNSUPPORTED_INTERACTION' : 'MESSAGE_NOT_WELL_FORMED';
      return {
        status: 500,
        body: soapFault([faultForRule(new RuleViolation(rule, error.description))], 'SOAP:Client'),
        contentType: XML,
        interaction: null,
        nhsNumber: null,
        headers: {},
      };
    }
    const p = error.partial;
    return {
      status: 200,
      body: ebxmlMessageError(
        {
          fromPartyKey: this.o.ids.spinePartyKey,
          toPartyKey: p.fromPartyKey ?? '',
          cpaId: p.cpaId ?? '',
          conversationId: p.conversationId ?? '',
        },
        p.messageId ?? '',
        {
          errorCode: error.errorCode,
          description:
            error.description.includes(':') && /^\d/.test(error.description)
              ? error.description
              : `${error.rule} - ${error.description}`,
        },
      ),
      contentType: XML,
      interaction: null,
      nhsNumber: null,
      headers: {},
    };
  }

  /** The HL7 business reply (or the MCCI the fault asks for). */
  private businessReply(request: EbxmlRequest, def: InteractionDef, fault: FaultRule | null): string {
    const { hl7 } = request;
    const base: Omit<Reply, 'interactionId' | 'ack'> = {
      refToId: hl7.id,
      clientAsid: hl7.sndAsid,
      spineAsid: this.o.ids.spineAsid,
    };
    if (fault?.kind === 'ack') return ackFault(base, fault);
    // Spec 2.1/3.2: ASIDs known; spec 2.3 author rules — HL7 validation errors are MCCI AR with
    // acknowledgementDetail 202 (generateHL7MCCI.xsl), sent as the async reply.
    const hl7Problem =
      hl7.rcvAsid !== this.o.ids.spineAsid
        ? `INCONSISTENT_COMM_FUNC_RCV: receiver ASID ${hl7.rcvAsid} is not Spine's`
        : !this.o.ids.knownAsids.has(hl7.sndAsid)
          ? `UNKNOWN_ASID: sender ASID ${hl7.sndAsid} is not registered`
          : (wrapperProblem(hl7.root) ?? authorProblem(hl7.controlAct));
    if (hl7Problem) {
      return mcci(
        {
          ...base,
          ack: 'AR',
          ackDetail: { code: '202', displayName: `HL7 Validation Error - ${hl7Problem}` },
        },
        {},
      );
    }
    switch (def.id) {
      case 'QUPA_IN000006UK02':
        return advancedTrace(this.o.state, hl7.root, base);
      case 'QUPC_IN160101UK05':
        return documentList(this.o.state, hl7.root, base);
      case 'QUPC_IN160103UK05':
        return documentData(this.o.state, hl7.root, base);
      case 'REPC_IN150016UK05':
        return uploadGpSummary(this.o.state, hl7.root, request.hl7Text, base, request.messageId).reply;
      case 'REPC_IN040000UK15':
        return selfClaim(this.o.state, hl7.root, base, request.messageId).reply;
      default:
        return mcci({ ...base, ack: 'AE' }, { issues: [psisIssue('500', 'System Error - no retry')] });
    }
  }

  private async deliver(
    target: InboundTarget,
    record: Delivery,
    soapAction: string,
    body: string,
    reliable: boolean,
  ): Promise<void> {
    const ca = target.ca
      ? target.ca.includes('-----BEGIN')
        ? target.ca
        : readFileSync(target.ca, 'utf8')
      : this.o.tls.ca;
    for (let attempt = 1; attempt <= this.o.deliveryAttempts && !this.closed; attempt += 1) {
      record.attempts = attempt;
      try {
        const reply = await post(
          target.url,
          { key: this.o.tls.key, cert: this.o.tls.cert, ca },
          soapAction,
          body,
        );
        const refusal = messageErrorOf(reply.body);
        if (refusal !== null) {
          // An ebXML MessageError is the receiver's final word (spec 4.4): no retry.
          record.lastResult = `MessageError: ${refusal}`;
          return;
        }
        if (reply.status >= 200 && reply.status < 300) {
          if (!reliable || acknowledges(reply.body, record.messageId)) {
            record.acknowledged = true;
            record.lastResult = `HTTP ${reply.status}${reliable ? ' with ebXML Acknowledgment' : ''}`;
            return;
          }
          record.lastResult = `HTTP ${reply.status} without an ebXML Acknowledgment for ${record.messageId}`;
        } else record.lastResult = `HTTP ${reply.status}`;
      } catch (error) {
        record.lastResult = error instanceof Error ? error.message : String(error);
      }
      if (attempt < this.o.deliveryAttempts)
        await new Promise<void>((resolve) => this.later(this.o.deliveryIntervalMs, resolve));
    }
  }
}

/** The description of an ebXML MessageError in `body`, or null when it is not one. */
export function messageErrorOf(body: string): string | null {
  if (!body.includes('ErrorList')) return null;
  try {
    const list = path(parseXml(body), 'Header', 'ErrorList');
    if (!list) return null;
    return list.children
      .map((e) => text(child(e, 'Description')) || attr(e, 'errorCode') || 'error')
      .join('; ');
  } catch {
    return null;
  }
}

/** True when `body` is an ebXML Acknowledgment of `messageId` (spec 4.4, ebxmlAckValidator). */
export function acknowledges(body: string, messageId: string): boolean {
  try {
    const env = parseXml(body);
    const header = child(env, 'Header');
    const ack = child(header, 'Acknowledgment');
    if (!ack || child(header, 'ErrorList')) return false;
    const ref =
      text(child(ack, 'RefToMessageId')) ||
      text(path(header, 'MessageHeader', 'MessageData', 'RefToMessageId'));
    return ref === messageId && attr(ack, 'version') === '2.0';
  } catch {
    return false;
  }
}

function post(
  url: string,
  tls: { key: string; cert: string; ca: string },
  soapAction: string,
  body: string,
): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: 'POST',
        key: tls.key,
        cert: tls.cert,
        ca: tls.ca,
        agent: false,
        timeout: 10_000,
        headers: {
          'Content-Type': MULTIPART_CONTENT_TYPE,
          SOAPAction: soapAction,
          'Content-Length': String(Buffer.byteLength(body)),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= 1024 * 1024) chunks.push(c);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('inbound endpoint did not answer in 10 s')));
    req.on('error', reject);
    req.end(body);
  });
}
