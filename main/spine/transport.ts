// The Spine transport behind the SpineClient interface (issue 4 part 1, spine-hl7v3.md sections 3
// and 4): synchronous SOAP, asynchronous ebXML (express and reliable) with the persisted outbox and
// retries that resend the SAME MessageId and ConversationId, business replies by polling the
// sync-async façade or through an inbound listener, and the MHS adaptor's outbound API as an
// alternative route. Every exchange is audited (request and outcome); every outbox state change is
// audited and emitted as `upload.status`.
import { randomUUID } from 'node:crypto';
import { AppError } from '../api/app-error';
import type { ErrorCode } from '../../preload/contract';
import type { MessageContext } from '../hl7/context';
import type { SpineError } from '../hl7/types';
import type { AuditEventInput, AuditOutcome } from '../audit/sink';
import type {
  OutboxItem,
  OutboxState,
  SpineCall,
  SpineClient,
  SpineClientOptions,
  SpineReply,
} from './client';
import { parseSpineConfig, resolveRoute, SpineConfigError, type Route, type SpineConfig } from './config';
import {
  httpStatusFailure,
  malformedReply,
  messageErrorFailure,
  notConfigured,
  replyTimeout,
  soapFaultFailure,
  SpineTransportError,
} from './errors';
import {
  buildEbxml,
  buildSyncEnvelope,
  readBusiness,
  readEbxml,
  readSoap,
  type BusinessReading,
  type EbxmlReading,
  type WireMessage,
} from './hl7-port';
import type { XmlElement } from '../hl7/xml';
import { createSpineHttp, loadTlsMaterial, type HttpReply, type SpineHttp } from './http';
import { locationSummary, pollLocationProblem } from './locations';
import { finalStates, openOutbox, toItem, type OutboxRecord, type OutboxStore } from './outbox';
import {
  pollForReply,
  readPemFile,
  retryAfterMs,
  sleep,
  startInboundListener,
  type InboundListener,
} from './replies';

/** Interactions that change a record at Spine: never resent unless provably undelivered. */
const recordChanging = new Set(['SET_RESOURCE_PERMISSIONS_INUK01', 'REPC_IN150016UK05', 'REPC_IN040000UK15']);
const changesRecord = (interactionId: string): boolean =>
  recordChanging.has(interactionId) || interactionId.startsWith('REPC_');

export interface SpineTransportOptions extends SpineClientOptions {
  /** Resume unfinished outbox messages on start (default true). */
  readonly resume?: boolean;
}

export interface ExchangeRecord {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly status: number;
  readonly elapsedMs: number;
  readonly headers: Readonly<Record<string, string>>;
}

export interface SpineTransport extends SpineClient {
  /** Our inbound listener's URL when replies are `inbound` (to register with Spine / the sandbox). */
  readonly inboundUrl: string | null;
  readonly spineConfig: SpineConfig;
  route(interactionId: string): Route;
  /** Waits (bounded) until an outbox message reaches a final state, then returns it. */
  settle(id: string, timeoutMs: number): Promise<OutboxItem>;
  /** Starts processing every unfinished outbox message (done once at start unless `resume: false`). */
  resume(): void;
}

interface PostAccepted {
  readonly kind: 'accepted';
  readonly location: string | null;
  readonly retryAfterMs: number;
}
interface PostReply {
  readonly kind: 'reply';
  readonly hl7: string;
}
type PostOutcome = PostAccepted | PostReply;

const outcomeOf = (state: OutboxState): AuditOutcome =>
  state === 'acknowledged'
    ? 'success'
    : state === 'rejected'
      ? 'refused'
      : finalStates.includes(state)
        ? 'failure'
        : 'info';

/** Maps a classified Spine business failure to the contract code (spine-hl7v3.md 5.3, 12.7). */
export function businessErrorCode(error: SpineError, route: Pick<Route, 'service'>): ErrorCode {
  const psis = route.service.includes(':psis');
  switch (error.kind) {
    case 'not-found':
      return psis ? 'NO_SCR' : 'PATIENT_NOT_FOUND';
    case 'consent-withheld':
      return 'CONSENT_WITHHELD';
    case 'access-refused':
      // 420/30418 "ACF does not permit access" is the consent/ACF refusal (spec 12.7).
      return 'CONSENT_WITHHELD';
    case 'duplicate':
      return 'DUPLICATE';
    case 'service-unavailable':
      return 'SPINE_UNAVAILABLE';
    case 'system-error':
    case 'unknown':
      return 'SPINE_ERROR';
    default:
      return 'SPINE_REJECTED';
  }
}

export function businessFailure(error: SpineError, route: Pick<Route, 'service'>): SpineTransportError {
  return new SpineTransportError(businessErrorCode(error, route), error.userMessage, {
    kind: 'business',
    spineCode: error.code,
    detailCode: error.detailCode,
    retryable: false,
    maybeDelivered: true,
  });
}

function auditUnavailable(): AppError {
  return new AppError(
    'AUDIT_UNAVAILABLE',
    'The audit trail cannot be written, so nothing was sent to Spine — call your IT service desk.',
  );
}

export async function createSpineTransport(options: SpineTransportOptions): Promise<SpineTransport> {
  const { config, log, events, audit } = options;
  const spine = parseSpineConfig(config.spine);
  const tlsFiles = spine.mode === 'mhs-adaptor' ? mhsTls(spine) : spine.tls;
  const rawHttp: SpineHttp = createSpineHttp(tlsFiles ? loadTlsMaterial(tlsFiles) : null);
  const observe = options.onExchange;
  const http: SpineHttp = observe
    ? {
        send: async (exchange) => {
          const reply = await rawHttp.send(exchange);
          observe({
            method: exchange.method,
            url: exchange.url,
            status: reply.status,
            elapsedMs: reply.elapsedMs,
            headers: reply.headers,
          });
          return reply;
        },
        close: () => rawHttp.close(),
      }
    : rawHttp;
  const store: OutboxStore = openOutbox({
    dataDir: options.dataDir,
    ...(options.outboxKey ? { key: options.outboxKey } : {}),
  });
  try {
    store.prune(new Date(Date.now() - spine.outboxRetentionDays * 24 * 3_600_000));
  } catch (error) {
    store.close();
    rawHttp.close();
    throw error;
  }
  const abort = new AbortController();
  const active = new Map<string, Promise<void>>();
  let inbound: InboundListener | null = null;

  try {
    if (spine.mode === 'direct' && spine.replies === 'inbound') {
      const settings = spine.inbound;
      if (!settings?.cert || !settings.key || !spine.partyKey) {
        throw new SpineConfigError(
          'Invalid configuration: "spine.inbound" needs cert and key, and "spine.partyKey" must be set, for inbound replies',
        );
      }
      inbound = await startInboundListener({
        host: settings.host,
        port: settings.port,
        cert: readPemFile(settings.cert),
        key: readPemFile(settings.key),
        ca: settings.ca ? readPemFile(settings.ca) : spine.tls ? readPemFile(spine.tls.ca) : null,
        requireClientCert: settings.requireClientCert,
        ourPartyKey: spine.partyKey,
        log,
        maxBodyBytes: spine.maxReplyBytes,
      });
    }
  } catch (error) {
    http.close();
    store.close();
    throw error;
  }

  const routeFor = (interactionId: string): Route => {
    try {
      return resolveRoute(config, spine, interactionId);
    } catch (error) {
      if (error instanceof SpineConfigError) throw notConfigured(error.message);
      throw error;
    }
  };

  const record = async (event: AuditEventInput): Promise<void> => {
    try {
      await audit.record(event);
    } catch (error) {
      log.error('spine: audit entry could not be written', {
        type: event.type,
        error: (error as Error).message,
      });
      throw auditUnavailable();
    }
  };
  /** Background audit (state changes after the caller returned): logged, never thrown. */
  const recordLater = (event: AuditEventInput): void => {
    void record(event).catch(() => undefined);
  };

  const newMessageId = (): string => randomUUID().toUpperCase();
  const fromAddress = spine.fromAddress ?? config.workstation ?? '127.0.0.1';

  const contextFor = (route: Route, call: SpineCall, messageId: string): MessageContext => ({
    messageId,
    creationTime: new Date(),
    fromAsid: route.ourAsid,
    toAsid: route.spineAsid,
    author: call.author,
  });

  const timeouts = (route: Route) => ({
    connectTimeoutMs: spine.timeouts.connectMs,
    responseTimeoutMs: spine.timeouts.responseMs,
    maxReplyBytes: spine.maxReplyBytes,
    changesRecord: changesRecord(route.interactionId),
  });

  /** Reads an HL7 reply: success returns it, a business failure throws the contract error. */
  const interpretBusiness = (route: Route, hl7: string | XmlElement, messageId: string): BusinessReading => {
    let reading: BusinessReading;
    try {
      reading = readBusiness(hl7);
    } catch (error) {
      throw malformedReply(
        `the HL7 reply could not be read: ${(error as Error).message}`,
        changesRecord(route.interactionId),
      );
    }
    // Why: a reply acknowledging another message (spec 4.4: messageRef = our HL7 id) could carry
    // another patient's record; it is refused, never shown.
    if (reading.messageRef && reading.messageRef.toUpperCase() !== messageId.toUpperCase()) {
      throw malformedReply('the reply answers a different request', changesRecord(route.interactionId));
    }
    if (reading.error) throw businessFailure(reading.error, route);
    return reading;
  };

  // ---- synchronous SOAP (spec 3) -------------------------------------------------------------

  const readSyncReply = (route: Route, reply: HttpReply): { hl7: string; element: XmlElement } => {
    const text = reply.body.toString('utf8');
    const changing = changesRecord(route.interactionId);
    if (reply.status !== 200 && reply.status !== 500) throw httpStatusFailure(reply.status, changing);
    let soap;
    try {
      soap = readSoap(text);
    } catch (error) {
      if (reply.status === 500) throw httpStatusFailure(500, changing);
      throw malformedReply((error as Error).message, changing);
    }
    if (soap.kind === 'fault') {
      // Spec 3.3/3.4: HTTP 500 carries the SOAP fault with nasp:errorList.
      throw soapFaultFailure({
        codes: soap.errors.map((e) => e.code),
        description: soap.errors[0]?.description ?? soap.reason,
        changesRecord: changing,
      });
    }
    if (reply.status === 500) throw httpStatusFailure(500, changing);
    // The reading itself, not a copy: its `hl7` text is serialised only if someone reads it.
    return soap;
  };

  /**
   * Sends a request-with-reply, resending the SAME message when that is safe. Why: no retry of
   * non-idempotent calls (issue 4) — a record-changing call is resent only when it provably never
   * left (connection refused, DNS, connect timeout); a query also after a reset or a retryable
   * SOAP fault (200/206/208, spec 4.5), never after a response timeout (the user is waiting).
   */
  const withResends = async <T>(
    route: Route,
    interactionId: string,
    messageId: string,
    send: () => Promise<T>,
  ): Promise<T> => {
    const changing = changesRecord(route.interactionId);
    const maxAttempts = 1 + Math.max(route.retries, 1);
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await send();
      } catch (error) {
        if (!(error instanceof SpineTransportError)) throw error;
        const resendable =
          error.retryable &&
          error.kind !== 'timeout' &&
          (!error.maybeDelivered || (!changing && (error.kind === 'reset' || error.kind === 'soap-fault')));
        if (!resendable || attempt >= maxAttempts || abort.signal.aborted)
          throw error.withMessage(interactionId, messageId);
        log.warn('spine: resending a request that did not complete', { interactionId, kind: error.kind });
        await sleep(200 * attempt, abort.signal);
      }
    }
  };

  const sendSync = async (
    route: Route,
    call: SpineCall,
    messageId: string,
    hl7: string,
  ): Promise<{ hl7: string; element: XmlElement }> => {
    const envelope = buildSyncEnvelope({
      messageId,
      action: route.action,
      to: route.endpoint,
      from: fromAddress,
      toAsid: route.spineAsid,
      fromAsid: route.ourAsid,
      hl7,
    });
    return withResends(route, call.interactionId, messageId, async () => {
      const reply = await http.send({
        method: 'POST',
        url: route.endpoint,
        headers: {
          'Content-Type': 'text/xml; charset=UTF-8',
          // Spec 3.1: SOAPAction = wsa:Action = service + "/" + interaction.
          SOAPAction: route.action,
        },
        body: envelope,
        ...timeouts(route),
      });
      return readSyncReply(route, reply);
    });
  };

  // ---- asynchronous ebXML (spec 4) -----------------------------------------------------------

  /** One POST of an ebXML message (or an MHS adaptor call) and what Spine said on that connection. */
  const postOnce = async (
    route: Route,
    wire: WireMessage,
    headers: Record<string, string>,
  ): Promise<PostOutcome> => {
    const changing = changesRecord(route.interactionId);
    const reply = await http.send({
      method: 'POST',
      url: route.endpoint,
      headers: { 'Content-Type': wire.contentType, ...headers },
      body: wire.body,
      ...timeouts(route),
    });
    if (reply.status === 202) {
      // Spec 4.3: 202 = accepted. The façade adds Content-Location + Retry-After (spec 4.6).
      const location = reply.headers['content-location'];
      return {
        kind: 'accepted',
        location: location ? new URL(location, route.endpoint).toString() : null,
        retryAfterMs: retryAfterMs(reply.headers['retry-after'], spine.poll),
      };
    }
    const text = reply.body.toString('utf8');
    if (reply.status === 500) {
      let soap;
      try {
        soap = readSoap(text);
      } catch {
        throw httpStatusFailure(500, changing);
      }
      if (soap.kind === 'fault') {
        throw soapFaultFailure({
          codes: soap.errors.map((e) => e.code),
          description: soap.errors[0]?.description ?? soap.reason,
          changesRecord: changing,
        });
      }
      throw httpStatusFailure(500, changing);
    }
    if (reply.status !== 200) throw httpStatusFailure(reply.status, changing);
    if (spine.mode === 'mhs-adaptor') return { kind: 'reply', hl7: text };
    // Spec 4.3: HTTP 200 carries an ebXML MessageError (or, with SyncReply, an Acknowledgment).
    const reading = readReplyBody(reply.headers['content-type'] ?? 'text/xml', text, changing);
    return outcomeOfReading(reading, changing);
  };

  const readReplyBody = (contentType: string, text: string, changing: boolean): EbxmlReading => {
    try {
      return readEbxml(contentType, text);
    } catch (error) {
      throw malformedReply((error as Error).message, changing);
    }
  };

  const outcomeOfReading = (reading: EbxmlReading, changing: boolean): PostOutcome => {
    if (reading.kind === 'error') {
      const first = reading.errors[0];
      const description = first?.description ?? null;
      const code = description?.match(/^(\d+)\s*:/)?.[1] ?? first?.code ?? null;
      throw messageErrorFailure(code, description);
    }
    if (reading.kind === 'acknowledgment') return { kind: 'accepted', location: null, retryAfterMs: 0 };
    if (!reading.hl7) throw malformedReply('the ebXML reply holds no HL7 message', changing);
    return { kind: 'reply', hl7: reading.hl7 };
  };

  const ebxmlHeaders = (route: Route): Record<string, string> => ({
    // Spec 4.1: SOAPAction = eb:Service + "/" + eb:Action.
    SOAPAction: route.action,
  });

  const mhsHeaders = (route: Route, messageId: string, correlationId: string): Record<string, string> => ({
    // The MHS adaptor's outbound API (fixtures: NHSDigital__integration-adaptor-mhs rest-client__*).
    'Interaction-Id': route.interactionId,
    'Message-Id': messageId,
    'Correlation-Id': correlationId,
    'wait-for-response': String(spine.mhsAdaptor?.waitForResponse ?? true),
    'from-asid': route.ourAsid,
  });

  const buildWire = (route: Route, messageId: string, conversationId: string, hl7: string): WireMessage =>
    spine.mode === 'mhs-adaptor'
      ? { contentType: 'application/json', body: JSON.stringify({ payload: hl7 }) }
      : buildEbxml({
          cpaId: route.cpaId,
          conversationId,
          messageId,
          service: route.service,
          action: route.interactionId,
          fromPartyKey: route.fromPartyKey,
          toPartyKey: route.toPartyKey,
          reliable: route.reliable,
          hl7,
        });

  const headersFor = (route: Route, messageId: string, conversationId: string) =>
    spine.mode === 'mhs-adaptor' ? mhsHeaders(route, messageId, conversationId) : ebxmlHeaders(route);

  /** Waits for the business reply of an accepted message (spec 4.4 / 4.6). */
  const awaitReply = async (
    route: Route,
    messageId: string,
    conversationId: string,
    accepted: PostAccepted,
  ): Promise<string> => {
    const changing = changesRecord(route.interactionId);
    if (spine.mode === 'mhs-adaptor') {
      throw new SpineTransportError(
        'SPINE_ERROR',
        "The MHS adaptor accepted the message but was not asked to wait for Spine's answer — check the adaptor's reply queue.",
        { kind: 'reply-timeout', retryable: false, maybeDelivered: true },
      );
    }
    if (inbound) {
      try {
        const delivery = await inbound.expect(
          messageId,
          conversationId,
          spine.inbound?.budgetMs ?? spine.poll.budgetMs,
          abort.signal,
        );
        if (!delivery.reading.hl7) throw malformedReply('the delivered reply holds no HL7 message', changing);
        return delivery.reading.hl7;
      } catch (error) {
        if (error instanceof SpineTransportError && error.kind === 'reply-timeout') {
          throw replyTimeout(spine.inbound?.budgetMs ?? spine.poll.budgetMs, changing);
        }
        throw error;
      }
    }
    if (!accepted.location) {
      throw malformedReply('Spine accepted the message but gave no reply location', changing);
    }
    const refusal = pollLocationProblem(accepted.location, route.endpoint);
    if (refusal) {
      // Refused before any connection is made, and audited (issue 12 finding 7).
      await record({
        type: 'spine.location-refused',
        outcome: 'refused',
        interactionId: route.interactionId,
        messageId,
        detail: { reason: refusal, ...locationSummary(accepted.location) },
      });
      throw malformedReply(`the reply location was refused: ${refusal}`, changing);
    }
    const reply = await pollForReply(http, accepted.location, accepted.retryAfterMs, {
      budgetMs: spine.poll.budgetMs,
      minIntervalMs: spine.poll.minIntervalMs,
      maxIntervalMs: spine.poll.maxIntervalMs,
      connectTimeoutMs: spine.timeouts.connectMs,
      responseTimeoutMs: spine.timeouts.responseMs,
      maxReplyBytes: spine.maxReplyBytes,
      changesRecord: changing,
      signal: abort.signal,
    });
    const text = reply.body.toString('utf8');
    if (reply.status === 500) {
      const soap = (() => {
        try {
          return readSoap(text);
        } catch {
          return null;
        }
      })();
      if (soap?.kind === 'fault') {
        throw soapFaultFailure({
          codes: soap.errors.map((e) => e.code),
          description: soap.errors[0]?.description ?? soap.reason,
          changesRecord: changing,
        });
      }
      throw httpStatusFailure(500, changing);
    }
    const contentType = reply.headers['content-type'] ?? 'text/xml';
    if (!contentType.includes('multipart') && !/Envelope/.test(text.slice(0, 2000))) return text;
    const outcome = outcomeOfReading(readReplyBody(contentType, text, changing), changing);
    if (outcome.kind !== 'reply')
      throw malformedReply('the reply service sent no business message', changing);
    return outcome.hl7;
  };

  const sendExpress = async (
    route: Route,
    call: SpineCall,
    messageId: string,
    hl7: string,
  ): Promise<string> => {
    // Spec 12.2: a new conversation's ConversationId is its first MessageId.
    const conversationId = messageId;
    const wire = buildWire(route, messageId, conversationId, hl7);
    try {
      // Express queries are idempotent: the same message may be resent (same MessageId).
      const outcome = await withResends(route, call.interactionId, messageId, () =>
        postOnce(route, wire, headersFor(route, messageId, conversationId)),
      );
      if (outcome.kind === 'reply') return outcome.hl7;
      return await awaitReply(route, messageId, conversationId, outcome);
    } catch (error) {
      if (error instanceof SpineTransportError) throw error.withMessage(call.interactionId, messageId);
      throw error;
    }
  };

  // ---- the outbox (async reliable) -----------------------------------------------------------

  const announce = (before: OutboxRecord, after: OutboxRecord): void => {
    // Every state change, every new message and every send attempt is seen by the UI and audit.
    if (
      before.state === after.state &&
      before.message === after.message &&
      before.attempts === after.attempts
    )
      return;
    events.emit('upload.status', {
      uploadId: after.id,
      state: after.state,
      ...(after.message ? { message: after.message } : {}),
    });
    recordLater({
      type: 'spine.outbox',
      outcome: outcomeOf(after.state),
      interactionId: after.interactionId,
      messageId: after.messageId,
      ...(after.nhsNumber ? { nhsNumber: after.nhsNumber } : {}),
      detail: {
        uploadId: after.id,
        state: after.state,
        attempts: after.attempts,
        spineCode: after.spineCode,
      },
    });
  };

  const change = (current: OutboxRecord, next: Parameters<OutboxStore['update']>[1]): OutboxRecord => {
    const updated = store.update(current.id, next);
    announce(current, updated);
    return updated;
  };

  const finishWithReply = (current: OutboxRecord, route: Route, hl7: string): OutboxRecord => {
    try {
      interpretBusiness(route, hl7, current.messageId);
      return change(current, { state: 'acknowledged', replyHl7: hl7, message: null, spineCode: null });
    } catch (error) {
      if (!(error instanceof SpineTransportError)) throw error;
      return change(current, {
        state: error.kind === 'business' ? 'rejected' : 'failed',
        replyHl7: hl7,
        message: error.message,
        spineCode: error.failure.detailCode ?? error.failure.spineCode ?? null,
      });
    }
  };

  /** Moves one outbox message on until it is final, or the client closes. */
  const drive = async (id: string): Promise<void> => {
    let current = store.get(id);
    if (!current) return;
    let route: Route;
    try {
      route = routeFor(current.interactionId);
    } catch (error) {
      // Why: a missing route (configuration being fixed) must not turn a stored message into a
      // failure; it stays queued and is resumed once Spine is configured again.
      log.warn('spine: outbox message waits for a Spine route', {
        uploadId: id,
        error: (error as Error).message,
      });
      return;
    }
    let failures = 0;
    for (let round = 0; round < 1_000 && !abort.signal.aborted; round += 1) {
      current = store.get(id);
      if (!current || finalStates.includes(current.state)) return;
      const expiresAt = Date.parse(current.expiresAt);
      if (current.state === 'queued' || current.state === 'sent') {
        if (Date.now() >= expiresAt) {
          change(current, {
            state: 'expired',
            message: `Spine did not accept this message within ${Math.round(route.persistDurationMs / 1000)} s — send it again if it is still needed.`,
          });
          return;
        }
        const due = current.nextAttemptAt ? Date.parse(current.nextAttemptAt) - Date.now() : 0;
        if (due > 0) await sleep(Math.min(due, expiresAt - Date.now()), abort.signal);
        if (abort.signal.aborted) return;
        current = change(store.get(id) ?? current, { state: 'sent', attemptsDelta: 1, nextAttemptAt: null });
        let outcome: PostOutcome;
        try {
          // Why: the stored wire bytes are resent unchanged — same MessageId and ConversationId (spec 4.5).
          outcome = await postOnce(
            route,
            { contentType: current.wireContentType, body: current.wireBody },
            headersFor(route, current.messageId, current.conversationId),
          );
        } catch (error) {
          if (abort.signal.aborted) return;
          if (!(error instanceof SpineTransportError)) throw error;
          failures += 1;
          const nextAt = Date.now() + route.retryIntervalMs;
          // Spec 4.5: retry only SOAP faults 200/206/208 and network failures, `retries` times, at
          // `retryInterval`, within `persistDuration`; TLS failures and MessageErrors are final.
          if (error.retryable && failures <= route.retries && nextAt < expiresAt) {
            change(current, { nextAttemptAt: new Date(nextAt).toISOString(), message: error.message });
            continue;
          }
          const exhausted = error.retryable;
          change(current, {
            state:
              error.kind === 'message-error'
                ? 'rejected'
                : exhausted && nextAt >= expiresAt
                  ? 'expired'
                  : 'failed',
            message: exhausted
              ? `${error.message.replace(/ — .*$/, '')} — Spine still failed after ${failures} attempt${failures === 1 ? '' : 's'}; send it again later.`
              : error.message,
            spineCode: error.failure.spineCode ?? error.failure.cause ?? null,
          });
          return;
        }
        if (outcome.kind === 'reply') {
          finishWithReply(change(current, { state: 'accepted', message: null }), route, outcome.hl7);
          return;
        }
        current = change(current, { state: 'accepted', message: null, pollLocation: outcome.location });
        if (spine.mode === 'mhs-adaptor') return;
      }
      if (current.state === 'accepted') {
        if (spine.mode === 'mhs-adaptor') return;
        try {
          const hl7 = await awaitReply(route, current.messageId, current.conversationId, {
            kind: 'accepted',
            location: current.pollLocation,
            retryAfterMs: spine.poll.minIntervalMs,
          });
          finishWithReply(current, route, hl7);
        } catch (error) {
          if (abort.signal.aborted) return;
          if (!(error instanceof SpineTransportError)) throw error;
          change(current, {
            state:
              error.kind === 'message-error'
                ? 'rejected'
                : error.kind === 'reply-timeout'
                  ? 'expired'
                  : 'failed',
            message: error.message,
            spineCode: error.failure.spineCode ?? null,
          });
        }
        return;
      }
    }
  };

  const start = (id: string): Promise<void> => {
    const running = active.get(id);
    if (running) return running;
    const task = drive(id)
      .catch((error: unknown) => {
        log.error('spine: outbox processing failed', { uploadId: id, error: (error as Error).message });
        const current = store.get(id);
        if (current && !finalStates.includes(current.state) && !abort.signal.aborted) {
          try {
            change(current, {
              state: 'failed',
              message: 'The message could not be processed — call your IT service desk.',
            });
          } catch {
            // the store is closing
          }
        }
      })
      .finally(() => active.delete(id));
    active.set(id, task);
    return task;
  };

  const enqueueWith = async (call: SpineCall, route: Route): Promise<OutboxRecord> => {
    const messageId = newMessageId();
    const hl7 = call.build(contextFor(route, call, messageId));
    const wire = buildWire(route, messageId, messageId, hl7);
    // Why: written and committed (synchronous=FULL) before the first send, so a crash cannot lose
    // it and a restart resends it with the same MessageId instead of as a new message.
    const stored = store.insert({
      interactionId: call.interactionId,
      messageId,
      conversationId: messageId,
      nhsNumber: call.nhsNumber ?? null,
      hl7,
      wireContentType: wire.contentType,
      wireBody: wire.body,
      persistDurationMs: route.persistDurationMs,
      now: new Date(),
    });
    try {
      await record({
        type: 'spine.outbox',
        outcome: 'info',
        interactionId: call.interactionId,
        messageId,
        ...(call.nhsNumber ? { nhsNumber: call.nhsNumber } : {}),
        detail: { uploadId: stored.id, state: 'queued', pattern: route.pattern },
      });
    } catch (error) {
      // Fail closed: never send what the audit trail does not know about.
      change(stored, { state: 'failed', message: (error as Error).message });
      throw error;
    }
    events.emit('upload.status', { uploadId: stored.id, state: 'queued' });
    void start(stored.id);
    return stored;
  };

  // ---- the SpineClient ------------------------------------------------------------------------

  const request = async (call: SpineCall): Promise<SpineReply> => {
    const route = routeFor(call.interactionId);
    if (route.pattern === 'async-reliable') {
      const stored = await enqueueWith(call, route);
      const settled = await settle(stored.id, route.persistDurationMs + spine.poll.budgetMs + 5_000);
      const full = store.get(settled.id);
      if (settled.state === 'acknowledged' && full?.replyHl7) {
        return { hl7: full.replyHl7, messageId: settled.messageId, interactionId: call.interactionId };
      }
      throw new AppError(
        settled.state === 'rejected'
          ? 'SPINE_REJECTED'
          : settled.state === 'expired'
            ? 'SPINE_TIMEOUT'
            : 'SPINE_ERROR',
        settled.message ?? 'Spine did not confirm the message.',
        { messageId: settled.messageId, state: settled.state },
      );
    }
    const messageId = newMessageId();
    const hl7 = call.build(contextFor(route, call, messageId));
    const base = {
      interactionId: call.interactionId,
      messageId,
      ...(call.nhsNumber ? { nhsNumber: call.nhsNumber } : {}),
    };
    // Fail closed: the request is audited before it leaves.
    await record({
      type: 'spine.request',
      outcome: 'info',
      ...base,
      detail: { pattern: route.pattern, mode: spine.mode },
    });
    const started = performance.now();
    try {
      const reply =
        route.pattern === 'sync' && spine.mode === 'direct'
          ? await sendSync(route, call, messageId, hl7)
          : { hl7: await sendExpress(route, call, messageId, hl7), element: null };
      const element = reply.element;
      const reading = interpretBusiness(route, element ?? reply.hl7, messageId);
      await record({
        type: 'spine.response',
        outcome: 'success',
        ...base,
        detail: { reply: reading.interactionId, elapsedMs: Math.round(performance.now() - started) },
      });
      const interactionId = reading.interactionId ?? call.interactionId;
      if (!element) return { hl7: reply.hl7, messageId, interactionId };
      // Why: the gateway reads the tree the transport already parsed (and checked) instead of
      // parsing the reply a second time; the text stays available, serialised on first read.
      return new ParsedReply(reply, element, messageId, interactionId);
    } catch (error) {
      const failure = error instanceof SpineTransportError ? error : null;
      await record({
        type: 'spine.response',
        outcome: failure?.kind === 'business' ? 'refused' : 'failure',
        ...base,
        detail: {
          code: error instanceof AppError ? error.code : 'INTERNAL_ERROR',
          kind: failure?.kind ?? null,
          spineCode: failure?.failure.spineCode ?? null,
          detailCode: failure?.failure.detailCode ?? null,
          elapsedMs: Math.round(performance.now() - started),
        },
      });
      if (failure) throw failure.withMessage(call.interactionId, messageId);
      throw error;
    }
  };

  const settle = async (id: string, timeoutMs: number): Promise<OutboxItem> => {
    const deadline = Date.now() + timeoutMs;
    for (let round = 0; round < 100_000; round += 1) {
      const current = store.get(id);
      if (!current) throw new AppError('INVALID_INPUT', 'No such message in the outbox.');
      if (finalStates.includes(current.state) || Date.now() >= deadline || abort.signal.aborted)
        return toItem(current);
      const running = active.get(id);
      if (running) {
        // The wait is cancelled as soon as the message settles, so no timer outlives the call.
        const waiting = new AbortController();
        await Promise.race([running, sleep(Math.max(1, deadline - Date.now()), waiting.signal)]);
        waiting.abort();
      } else if (current.state === 'accepted' && spine.mode === 'mhs-adaptor') {
        return toItem(current);
      } else {
        void start(id);
        await sleep(20);
      }
    }
    const last = store.get(id);
    if (!last) throw new AppError('INVALID_INPUT', 'No such message in the outbox.');
    return toItem(last);
  };

  const resume = (): void => {
    for (const item of store.unfinished()) void start(item.id);
  };
  if (options.resume !== false) resume();

  return {
    inboundUrl: inbound?.url ?? null,
    spineConfig: spine,
    route: routeFor,
    request,
    enqueue: async (call) => {
      const route = routeFor(call.interactionId);
      return toItem(await enqueueWith(call, route));
    },
    outbox: async () => store.list().map(toItem),
    settle,
    resume,
    close: async () => {
      abort.abort();
      http.close();
      await Promise.allSettled([...active.values()]);
      await inbound?.close();
      store.close();
    },
  };
}

function mhsTls(spine: SpineConfig): { ca: string; cert: string; key: string } | undefined {
  const adaptor = spine.mhsAdaptor;
  if (adaptor?.ca && adaptor.cert && adaptor.key)
    return { ca: adaptor.ca, cert: adaptor.cert, key: adaptor.key };
  return undefined;
}

/**
 * A business reply the transport has already parsed: `document` is the tree, `hl7` the text,
 * serialised only if read. A class, not an object literal with a getter (main/hl7/parse.ts).
 */
class ParsedReply implements SpineReply {
  constructor(
    readonly source: { readonly hl7: string },
    readonly document: XmlElement,
    readonly messageId: string,
    readonly interactionId: string,
  ) {}
  get hl7(): string {
    return this.source.hl7;
  }
}
