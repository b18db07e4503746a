// The session as the rest of main sees it. main/auth owns the state machine behind it.
import type { AuthState } from '../../preload/contract';
import type { RbacSubject } from './rbac';
import type { AuditActor } from '../audit/sink';

export interface SessionService {
  state(): AuthState;
  /** The selected role's RBAC subject, or null when no role is selected or the session is locked. */
  rbacSubject(): RbacSubject | null;
  /** Who is acting, for the audit trail; null before sign-in. */
  actor(): AuditActor | null;
  close(): Promise<void>;
}
