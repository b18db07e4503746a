// Typed transport failures (issue 4: "a clear, typed error for every failure") and their mapping
// to the contract's closed error codes. Every failure is a SpineTransportError — an AppError, so
// handlers can return it as is — with a `kind` saying what went wrong, whether resending the SAME
// message is allowed, and a sentence a pharmacist can act on. No patient data goes in a message.
import { AppError } from '../api/app-error';
import type { ErrorCode } from '../../preload/contract';

export type TransportFailureKind =
  /** The Spine host name did not resolve. */
  | 'dns'
  /** Nothing listens at the endpoint (ECONNREFUSED). */
  | 'refused'
  /** The connection dropped before a complete reply (ECONNRESET, EPIPE, socket hang up). */
  | 'reset'
  /** Certificate not trusted, wrong host name, our certificate refused, handshake failure. */
  | 'tls'
  /** No connection within the connect timeout. */
  | 'connect-timeout'
  /** Connected, but no complete reply within the response timeout. */
  | 'timeout'
  /** An HTTP status that is not part of the protocol (4xx, 5xx without a SOAP fault…). */
  | 'http-status'
  /** HTTP 500 SOAP fault with nasp:errorList (spec 3.4). */
  | 'soap-fault'
  /** HTTP 200 ebXML MessageError (spec 4.3). */
  | 'message-error'
  /** A reply we could not read (not XML, wrong shape, too large). */
  | 'malformed'
  /** An HL7 business failure (AE/AR acknowledgement, QUQI query act failed). */
  | 'business'
  /** No business reply within the polling / inbound budget. */
  | 'reply-timeout'
  /** The persist duration passed before Spine accepted the message. */
  | 'expired'
  /** The interaction has no route in the configuration. */
  | 'not-configured';

export interface TransportFailureDetail {
  readonly kind: TransportFailureKind;
  /** Spine's code (TMS fault code, ebXML description code, HL7 detected issue), when it gave one. */
  readonly spineCode?: string | null;
  readonly detailCode?: string | null;
  readonly httpStatus?: number | null;
  /** The network/TLS error code from Node (ECONNREFUSED, CERT_HAS_EXPIRED…). */
  readonly cause?: string | null;
  /** Resending the same MessageId may succeed (SOAP faults 200/206/208 and network failures, spec 4.5). */
  readonly retryable: boolean;
  /** Whether our request may have reached Spine (false: provably nothing was sent). */
  readonly maybeDelivered: boolean;
  readonly interactionId?: string;
  readonly messageId?: string;
}

export class SpineTransportError extends AppError {
  readonly kind: TransportFailureKind;
  readonly retryable: boolean;
  readonly maybeDelivered: boolean;
  readonly failure: TransportFailureDetail;

  constructor(code: ErrorCode, message: string, failure: TransportFailureDetail) {
    super(code, message, compactDetail(failure));
    this.kind = failure.kind;
    this.retryable = failure.retryable;
    this.maybeDelivered = failure.maybeDelivered;
    this.failure = failure;
  }

  /** The same failure, now known to belong to this message. */
  withMessage(interactionId: string, messageId: string): SpineTransportError {
    return new SpineTransportError(this.code, this.message, { ...this.failure, interactionId, messageId });
  }
}

function compactDetail(failure: TransportFailureDetail): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {
    kind: failure.kind,
    retryable: failure.retryable,
  };
  if (failure.spineCode) out['spineCode'] = failure.spineCode;
  if (failure.detailCode) out['detailCode'] = failure.detailCode;
  if (failure.httpStatus) out['httpStatus'] = failure.httpStatus;
  if (failure.cause) out['cause'] = failure.cause;
  if (failure.messageId) out['messageId'] = failure.messageId;
  return out;
}

/** What happened to the user's request, as a closing clause. */
export function outcomeClause(maybeDelivered: boolean, changesRecord: boolean): string {
  if (!maybeDelivered) return 'nothing was sent to Spine';
  if (!changesRecord) return 'nothing was changed';
  return 'Spine may have recorded it, so check before trying again';
}

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`.replace('.0 s', ' s');

export interface NetworkFailureInput {
  readonly kind: 'dns' | 'refused' | 'reset' | 'tls' | 'connect-timeout' | 'timeout';
  readonly cause: string | null;
  readonly maybeDelivered: boolean;
  readonly timeoutMs?: number;
  readonly changesRecord: boolean;
  readonly tlsReason?: string;
}

/** A network or TLS failure as the user sees it (spine-hl7v3.md 4.5: network failures retry, TLS never). */
export function networkFailure(input: NetworkFailureInput): SpineTransportError {
  const tail = outcomeClause(input.maybeDelivered, input.changesRecord);
  const base = {
    kind: input.kind,
    cause: input.cause,
    maybeDelivered: input.maybeDelivered,
  } as const;
  switch (input.kind) {
    case 'dns':
      return new SpineTransportError(
        'SPINE_UNAVAILABLE',
        `Spine's address could not be found — check this computer's network connection, then try again; ${tail}.`,
        { ...base, retryable: true },
      );
    case 'refused':
      return new SpineTransportError(
        'SPINE_UNAVAILABLE',
        `Spine refused the connection — try again in a few minutes; ${tail}.`,
        { ...base, retryable: true },
      );
    case 'reset':
      return new SpineTransportError(
        'SPINE_UNAVAILABLE',
        `The connection to Spine was lost before it answered — try again; ${tail}.`,
        { ...base, retryable: true },
      );
    case 'connect-timeout':
      return new SpineTransportError(
        'SPINE_TIMEOUT',
        `Spine could not be reached within ${seconds(input.timeoutMs ?? 0)} — check the network and try again; ${tail}.`,
        { ...base, retryable: true },
      );
    case 'timeout':
      return new SpineTransportError(
        'SPINE_TIMEOUT',
        `Spine did not answer in ${seconds(input.timeoutMs ?? 0)} — try again; ${tail}.`,
        { ...base, retryable: true },
      );
    case 'tls':
      // Why: a certificate problem is either an attack or a broken installation; neither is fixed
      // by trying again, and we never fall back to an unverified connection.
      return new SpineTransportError(
        'TLS_ERROR',
        `The secure connection to Spine could not be verified (${input.tlsReason ?? 'certificate problem'}) — ` +
          `do not retry; call your IT service desk. ${capitalise(tail)}.`,
        { ...base, retryable: false },
      );
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function httpStatusFailure(status: number, changesRecord: boolean): SpineTransportError {
  const tail = outcomeClause(true, changesRecord);
  if (status === 503 || status === 502 || status === 504) {
    return new SpineTransportError(
      'SPINE_UNAVAILABLE',
      `Spine is not available at the moment (HTTP ${status}) — try again later; ${tail}.`,
      {
        kind: 'http-status',
        httpStatus: status,
        retryable: false,
        maybeDelivered: true,
      },
    );
  }
  return new SpineTransportError(
    'SPINE_ERROR',
    `Spine answered with an unexpected error (HTTP ${status}) — try again; if it keeps happening call your IT service desk; ${tail}.`,
    { kind: 'http-status', httpStatus: status, retryable: false, maybeDelivered: true },
  );
}

export function malformedReply(reason: string, changesRecord: boolean): SpineTransportError {
  return new SpineTransportError(
    'SPINE_ERROR',
    `Spine's reply could not be read (${reason}) — try again; if it keeps happening call your IT service desk; ` +
      `${outcomeClause(true, changesRecord)}.`,
    { kind: 'malformed', cause: reason, retryable: false, maybeDelivered: true },
  );
}

/** TMS SOAP fault codes MHS retries with the same message (spine-hl7v3.md 3.4, 4.5). */
export const retryableFaultCodes: ReadonlySet<string> = new Set(['200', '206', '208']);

export interface FaultInput {
  readonly codes: readonly string[];
  readonly description: string | null;
  readonly changesRecord: boolean;
}

export function soapFaultFailure(input: FaultInput): SpineTransportError {
  // Why: spec 4.5 — retry only when EVERY error code is one of 200/206/208.
  const retryable = input.codes.length > 0 && input.codes.every((code) => retryableFaultCodes.has(code));
  const code = input.codes[0] ?? null;
  const what = `Spine could not process the request (error ${code ?? 'unknown'}${input.description ? `: ${input.description}` : ''})`;
  const tail = outcomeClause(true, input.changesRecord);
  return new SpineTransportError(
    retryable ? 'SPINE_UNAVAILABLE' : 'SPINE_ERROR',
    retryable
      ? `${what} — try again in a few minutes; ${tail}.`
      : `${what} — call your IT service desk if it keeps happening; ${tail}.`,
    { kind: 'soap-fault', spineCode: code, retryable, maybeDelivered: true },
  );
}

export function messageErrorFailure(code: string | null, description: string | null): SpineTransportError {
  const text = description ? `: ${description}` : '';
  return new SpineTransportError(
    'SPINE_REJECTED',
    `Spine refused the message (ebXML error ${code ?? 'unknown'}${text}) — this is a set-up problem; ` +
      'call your IT service desk. Nothing was recorded.',
    { kind: 'message-error', spineCode: code, retryable: false, maybeDelivered: true },
  );
}

export function replyTimeout(ms: number, changesRecord: boolean): SpineTransportError {
  return new SpineTransportError(
    'SPINE_TIMEOUT',
    changesRecord
      ? `Spine accepted the message but did not confirm it within ${seconds(ms)} — check the patient's record before sending it again.`
      : `Spine did not send its answer within ${seconds(ms)} — try again; nothing was changed.`,
    { kind: 'reply-timeout', retryable: false, maybeDelivered: true },
  );
}

export function notConfigured(message: string): SpineTransportError {
  return new SpineTransportError('SPINE_UNAVAILABLE', message, {
    kind: 'not-configured',
    retryable: false,
    maybeDelivered: false,
  });
}
