// Events main pushes to the renderer. Payloads carry no patient data.
import { z } from 'zod';
import { AuthState } from './ops/auth';
import { AuditIntegrity } from './ops/audit';
import { eventNameList } from './channels';

export const events = {
  'card.inserted': z.object({ label: z.string() }),
  'card.removed': z.object({ label: z.string() }),
  'session.changed': AuthState,
  'session.locked': z.object({ reason: z.enum(['card-removed', 'user', 'idle']) }),
  'session.timeoutWarning': z.object({ secondsRemaining: z.number().int().nonnegative() }),
  'upload.status': z.object({ uploadId: z.string(), state: z.string(), message: z.string().optional() }),
  'audit.unavailable': z.object({ message: z.string() }),
  /** The chain check, a break, an acknowledgement or a clock skew changed what the screens should say. */
  'audit.integrity': AuditIntegrity,
  /** A launch request changed what the screens should say: ask `launch.notice`. No patient data. */
  'launch.changed': z.object({}),
} as const;

export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;
export const eventNames: readonly EventName[] = eventNameList;

// Every event has a payload schema and a name in channels.ts: each list must name the other's.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _eventListsAgree: Same<EventName, (typeof eventNameList)[number]> = true;
void _eventListsAgree;
