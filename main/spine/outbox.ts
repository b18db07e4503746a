// The persisted outbox for asynchronous reliable messages (architecture.md journey 5, issue 4
// "Outbox"). A message is written here — with the exact bytes that go on the wire — and committed
// (synchronous=FULL) BEFORE it is first sent, so a killed process never loses it and never sends
// it as a new message: a resend after restart reuses the stored MessageId and ConversationId
// (spine-hl7v3.md 4.5). It holds patient data, so it lives in an encrypted SQLite database
// (native/sqlite, the same machinery as the audit store) with its own key file.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  openEncryptedDatabase,
  readOrCreateKeyFile,
  type EncryptedDatabase,
  type SqlStatement,
} from '../../native/sqlite/index';
import type { OutboxItem, OutboxState } from './client';

const migrations = [
  `CREATE TABLE outbox (
     id TEXT PRIMARY KEY,
     interaction_id TEXT NOT NULL,
     message_id TEXT NOT NULL UNIQUE,
     conversation_id TEXT NOT NULL,
     nhs_number TEXT,
     hl7 TEXT NOT NULL,
     wire_content_type TEXT NOT NULL,
     wire_body TEXT NOT NULL,
     state TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     message TEXT,
     spine_code TEXT,
     reply_hl7 TEXT,
     poll_location TEXT,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     expires_at TEXT NOT NULL,
     next_attempt_at TEXT
   ) STRICT`,
  `CREATE INDEX outbox_state ON outbox (state)`,
];

/** States a message can still move on from; everything else is final. */
export const unfinishedStates: readonly OutboxState[] = ['queued', 'sent', 'accepted'];
export const finalStates: readonly OutboxState[] = ['acknowledged', 'rejected', 'failed', 'expired'];

export interface OutboxRecord extends OutboxItem {
  readonly conversationId: string;
  readonly hl7: string;
  readonly wireContentType: string;
  readonly wireBody: string;
  readonly attempts: number;
  readonly spineCode: string | null;
  readonly replyHl7: string | null;
  readonly pollLocation: string | null;
  readonly expiresAt: string;
  readonly nextAttemptAt: string | null;
}

interface Row {
  id: string;
  interaction_id: string;
  message_id: string;
  conversation_id: string;
  nhs_number: string | null;
  hl7: string;
  wire_content_type: string;
  wire_body: string;
  state: string;
  attempts: number;
  message: string | null;
  spine_code: string | null;
  reply_hl7: string | null;
  poll_location: string | null;
  created_at: string;
  updated_at: string;
  expires_at: string;
  next_attempt_at: string | null;
}

const isState = (value: string): value is OutboxState =>
  (unfinishedStates as readonly string[]).includes(value) ||
  (finalStates as readonly string[]).includes(value);

function fromRow(row: Row): OutboxRecord {
  if (!isState(row.state)) throw new Error(`outbox row ${row.id} has an unknown state ${row.state}`);
  return {
    id: row.id,
    interactionId: row.interaction_id,
    messageId: row.message_id,
    conversationId: row.conversation_id,
    nhsNumber: row.nhs_number,
    hl7: row.hl7,
    wireContentType: row.wire_content_type,
    wireBody: row.wire_body,
    state: row.state,
    attempts: row.attempts,
    message: row.message,
    spineCode: row.spine_code,
    replyHl7: row.reply_hl7,
    pollLocation: row.poll_location,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    expiresAt: row.expires_at,
    nextAttemptAt: row.next_attempt_at,
  };
}

/** The public view: no payload, no wire bytes. */
export function toItem(record: OutboxRecord): OutboxItem {
  return {
    id: record.id,
    interactionId: record.interactionId,
    messageId: record.messageId,
    nhsNumber: record.nhsNumber,
    state: record.state,
    message: record.message,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export interface NewOutboxMessage {
  readonly interactionId: string;
  readonly messageId: string;
  readonly conversationId: string;
  readonly nhsNumber: string | null;
  readonly hl7: string;
  readonly wireContentType: string;
  readonly wireBody: string;
  readonly persistDurationMs: number;
  readonly now: Date;
}

export interface OutboxChange {
  readonly state?: OutboxState;
  readonly attemptsDelta?: number;
  readonly message?: string | null;
  readonly spineCode?: string | null;
  readonly replyHl7?: string | null;
  readonly pollLocation?: string | null;
  readonly nextAttemptAt?: string | null;
}

export interface OutboxStore {
  insert(message: NewOutboxMessage): OutboxRecord;
  get(id: string): OutboxRecord | null;
  byMessageId(messageId: string): OutboxRecord | null;
  list(): OutboxRecord[];
  unfinished(): OutboxRecord[];
  update(id: string, change: OutboxChange, now?: Date): OutboxRecord;
  /** Deletes finished messages last changed before `before`; returns how many. */
  prune(before: Date): number;
  close(): void;
}

export interface OpenOutboxOptions {
  readonly dataDir: string;
  /** Supplied by the Electron host (safeStorage-wrapped); otherwise `<dataDir>/outbox.key`. */
  readonly key?: Buffer;
  readonly file?: string;
}

export function openOutbox(options: OpenOutboxOptions): OutboxStore {
  // Why: a key file created 0600 and refused when group/other can read it (native/sqlite key-file).
  const key = options.key ?? readOrCreateKeyFile(join(options.dataDir, 'outbox.key'));
  const db: EncryptedDatabase = openEncryptedDatabase({
    file: options.file ?? join(options.dataDir, 'outbox.db'),
    key,
    migrations,
  });
  const insert: SqlStatement = db.prepare(
    `INSERT INTO outbox (id, interaction_id, message_id, conversation_id, nhs_number, hl7, wire_content_type,
       wire_body, state, attempts, created_at, updated_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?)`,
  );
  const byId = db.prepare<Row>('SELECT * FROM outbox WHERE id = ?');
  const byMessage = db.prepare<Row>('SELECT * FROM outbox WHERE message_id = ?');
  const all = db.prepare<Row>('SELECT * FROM outbox ORDER BY created_at, rowid');
  const open = db.prepare<Row>(
    `SELECT * FROM outbox WHERE state IN ('queued', 'sent', 'accepted') ORDER BY created_at, rowid`,
  );

  const get = (id: string): OutboxRecord | null => {
    const row = byId.get(id);
    return row ? fromRow(row) : null;
  };

  return {
    insert(message) {
      const id = randomUUID().toUpperCase();
      const now = message.now.toISOString();
      const expires = new Date(message.now.getTime() + message.persistDurationMs).toISOString();
      insert.run(
        id,
        message.interactionId,
        message.messageId,
        message.conversationId,
        message.nhsNumber,
        message.hl7,
        message.wireContentType,
        message.wireBody,
        now,
        now,
        expires,
      );
      const record = get(id);
      if (!record) throw new Error('the outbox lost a row it had just written');
      return record;
    },
    get,
    byMessageId(messageId) {
      const row = byMessage.get(messageId);
      return row ? fromRow(row) : null;
    },
    list: () => all.all().map(fromRow),
    unfinished: () => open.all().map(fromRow),
    update(id, change, now = new Date()) {
      const sets: string[] = ['updated_at = ?'];
      const params: unknown[] = [now.toISOString()];
      const column = (name: string, value: unknown) => {
        sets.push(`${name} = ?`);
        params.push(value);
      };
      if (change.state !== undefined) column('state', change.state);
      if (change.message !== undefined) column('message', change.message);
      if (change.spineCode !== undefined) column('spine_code', change.spineCode);
      if (change.replyHl7 !== undefined) column('reply_hl7', change.replyHl7);
      if (change.pollLocation !== undefined) column('poll_location', change.pollLocation);
      if (change.nextAttemptAt !== undefined) column('next_attempt_at', change.nextAttemptAt);
      if (change.attemptsDelta) {
        sets.push('attempts = attempts + ?');
        params.push(change.attemptsDelta);
      }
      params.push(id);
      db.prepare(`UPDATE outbox SET ${sets.join(', ')} WHERE id = ?`).run(...params);
      const record = get(id);
      if (!record) throw new Error(`outbox row ${id} is missing`);
      return record;
    },
    prune(before) {
      // Why: a finished upload holds patient data the workstation no longer needs (data minimisation).
      return db
        .prepare(
          `DELETE FROM outbox WHERE state IN ('acknowledged', 'rejected', 'failed', 'expired') AND updated_at < ?`,
        )
        .run(before.toISOString()).changes;
    },
    close: () => {
      db.close();
    },
  };
}
