// A runtime for unit tests of hosts and handlers: real dispatcher and handlers, an audit sink
// that keeps what it is given, and a session whose stage the test sets.
import type { AuthState } from '../../preload/contract';
import { createRuntime, type Runtime } from '../../main/app/runtime';
import type { AuditEventInput, AuditSink } from '../../main/audit/sink';
import type { RbacSubject } from '../../main/auth/rbac';
import { signedOutSession } from '../../main/auth/session-service';
import { AppConfig } from '../../main/config/schema';
import { clinicalUnavailable } from '../../main/clinical/service';
import { silentLogger } from '../../main/log/logger';

export interface TestRuntime extends Runtime {
  readonly audited: AuditEventInput[];
  signIn(subject: RbacSubject): void;
}

const unavailable = async (): Promise<never> => {
  throw new Error('no Spine in unit tests');
};

/** `audit`: a real trail to write through to (what is recorded is still kept in `audited`). */
export function testRuntime(
  config: Partial<AppConfig> = {},
  options: { audit?: AuditSink } = {},
): TestRuntime {
  const audited: AuditEventInput[] = [];
  const through = options.audit;
  const audit: AuditSink = {
    record: async (event) => {
      audited.push(event);
      return through ? through.record(event) : { sequence: audited.length };
    },
    ...(through?.reader ? { reader: through.reader } : {}),
  };
  let subject: RbacSubject | null = null;
  const state = (): AuthState => ({
    stage: subject ? 'role-selected' : 'no-card',
    user: null,
    roles: [],
    selectedRole: null,
    features: [],
  });
  const runtime = createRuntime({
    config: AppConfig.parse(config),
    host: 'test-host',
    log: silentLogger,
    audit,
    session: { ...signedOutSession(), state, rbacSubject: () => subject },
    spine: {
      request: unavailable,
      enqueue: unavailable,
      outbox: async () => [],
      close: async () => undefined,
    },
    clinical: clinicalUnavailable(),
  });
  return { ...runtime, audited, signIn: (next) => (subject = next) };
}
