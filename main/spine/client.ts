// The Spine client the rest of main uses (architecture.md section 3). Callers build the HL7
// payload with main/hl7 from the context the transport gives them (ids, ASIDs from routing
// config); the transport chooses the pattern (sync SOAP, async express, async reliable, MHS
// adaptor) from the interaction's routing entry and returns the business reply's HL7 payload.
import type { AppConfig } from '../config/schema';
import type { Logger } from '../log/logger';
import type { EventBus } from '../api/event-bus';
import type { AuditSink } from '../audit/sink';
import type { MessageAuthor, MessageContext } from '../hl7/context';
import type { XmlElement } from '../hl7/xml';
import { createSpineTransport, type ExchangeRecord } from './transport';

export interface SpineCall {
  /** e.g. `QUPA_IN000008UK02`; selects the routing entry. */
  readonly interactionId: string;
  /** The smartcard user the message is sent for. */
  readonly author: MessageAuthor | null;
  /** The patient concerned, for the audit trail only. */
  readonly nhsNumber?: string;
  /** Builds the HL7 payload (root element = interaction id) with main/hl7. */
  build(context: MessageContext): string;
}

export interface SpineReply {
  /** The HL7 payload of the business reply (root element = the reply interaction id). */
  readonly hl7: string;
  readonly messageId: string;
  readonly interactionId: string;
  /**
   * The HL7 payload as the transport already parsed it (same content as `hl7`), when it has it:
   * callers read this instead of parsing `hl7` a second time. `hl7` is then serialised on demand.
   */
  readonly document?: XmlElement;
}

export type OutboxState = 'queued' | 'sent' | 'accepted' | 'acknowledged' | 'rejected' | 'failed' | 'expired';

export interface OutboxItem {
  readonly id: string;
  readonly interactionId: string;
  readonly messageId: string;
  readonly nhsNumber: string | null;
  readonly state: OutboxState;
  /** Spine's reason when rejected or failed, in words a pharmacist can act on. */
  readonly message: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface SpineClient {
  /**
   * A request with a business reply (sync SOAP, or async express collected by polling/inbound).
   * Rejects with an AppError whose code is a contract SPINE_* / TLS_ERROR code, never retries a
   * non-idempotent call.
   */
  request(call: SpineCall): Promise<SpineReply>;
  /** An async reliable message: persisted to the outbox before it is first sent. */
  enqueue(call: SpineCall): Promise<OutboxItem>;
  outbox(): Promise<readonly OutboxItem[]>;
  close(): Promise<void>;
}

export interface SpineClientOptions {
  readonly config: AppConfig;
  readonly dataDir: string;
  readonly log: Logger;
  readonly events: EventBus;
  readonly audit: AuditSink;
  /**
   * The outbox database key (32 bytes). The Electron host supplies it safeStorage-wrapped like the
   * audit key; without it the transport uses `<dataDir>/outbox.key` (created 0600, refused if wider).
   */
  readonly outboxKey?: Buffer;
  /**
   * Called after every HTTP exchange, in the caller's async context: benchmarks, and the audit
   * trail's clock check against Spine's `Date` header (issue 12).
   */
  readonly onExchange?: (exchange: ExchangeRecord) => void;
}

/**
 * Builds the real transport (main/spine/transport.ts). Without a Spine route in the configuration
 * every call fails with SPINE_UNAVAILABLE saying what to configure; the outbox still opens so
 * unfinished messages are kept.
 */
export async function createSpineClient(options: SpineClientOptions): Promise<SpineClient> {
  return createSpineTransport(options);
}
