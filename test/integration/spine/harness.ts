// Shared set-up for the transport's integration tests: a real Spine sandbox over mutual TLS on
// 127.0.0.1, the real transport pointed at it, an audit sink that keeps what it is given and the
// events the UI would see. Everything made here is removed by `close()`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type SandboxHandle } from '../../spine-sandbox/index';
import { sandboxSpineConfig, type SandboxSpineOptions } from '../../support/spine-config';
import { createSpineTransport, type SpineTransport } from '../../../main/spine/transport';
import type { SpineCall } from '../../../main/spine/client';
import type { AuditEventInput } from '../../../main/audit/sink';
import { AppConfig } from '../../../main/config/schema';
import { EventBus } from '../../../main/api/event-bus';
import { silentLogger } from '../../../main/log/logger';
import type { MessageAuthor, MessageContext } from '../../../main/hl7/context';
import { buildGpSummary } from '../../../main/hl7/gp-summary';
import { randomUUID } from 'node:crypto';

export const author: MessageAuthor = {
  roleProfileId: '555254240100',
  userUuid: '555254239107',
  jobRoleCode: 'S8000:G8000:R8000',
};

export interface UploadEvent {
  readonly uploadId: string;
  readonly state: string;
  readonly message?: string | undefined;
}

export interface TransportUnderTest {
  readonly transport: SpineTransport;
  readonly audited: AuditEventInput[];
  readonly uploads: UploadEvent[];
  readonly dataDir: string;
  close(): Promise<void>;
}

export async function makeTransport(
  sandbox: SandboxHandle,
  options: SandboxSpineOptions & { spine?: Record<string, unknown>; dataDir?: string } = {},
): Promise<TransportUnderTest> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'spine-client-')));
  const audited: AuditEventInput[] = [];
  const uploads: UploadEvent[] = [];
  const events = new EventBus();
  events.subscribe((event, payload) => {
    if (event === 'upload.status') uploads.push(payload as UploadEvent);
  });
  const spine = { ...sandboxSpineConfig(sandbox, options), ...(options.spine ?? {}) };
  const transport = await createSpineTransport({
    config: AppConfig.parse({ environment: 'training', spine }),
    dataDir,
    log: silentLogger,
    events,
    audit: {
      record: async (event) => {
        audited.push(event);
        return { sequence: audited.length };
      },
    },
  });
  return {
    transport,
    audited,
    uploads,
    dataDir,
    close: async () => {
      await transport.close();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface SandboxUnderTest {
  readonly sandbox: SandboxHandle;
  readonly dir: string;
  close(): Promise<void>;
}

export async function makeSandbox(): Promise<SandboxUnderTest> {
  const dir = await mkdtemp(join(tmpdir(), 'spine-sandbox-'));
  const sandbox = await startSandbox({ dataDir: dir, identity: false });
  return {
    sandbox,
    dir,
    close: async () => {
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A call whose payload is built by main/hl7 from the context the transport supplies. */
export function call(
  interactionId: string,
  build: (context: MessageContext) => string,
  nhsNumber?: string,
): SpineCall & { contexts: MessageContext[] } {
  const contexts: MessageContext[] = [];
  return {
    interactionId,
    author,
    ...(nhsNumber ? { nhsNumber } : {}),
    contexts,
    build: (context) => {
      contexts.push(context);
      return build(context);
    },
  };
}

export async function rejection(
  promise: Promise<unknown>,
): Promise<Error & { code?: string; kind?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string; kind?: string };
  }
  throw new Error('expected the call to fail');
}

/** A GP Summary upload (REPC_IN150016UK05, async reliable) for a patient, built by main/hl7. */
export function gpSummaryCall(
  nhsNumber: string,
  note = 'Transport test summary',
): SpineCall & { contexts: MessageContext[] } {
  return call(
    'REPC_IN150016UK05',
    (context) =>
      buildGpSummary(context, {
        id: randomUUID().toUpperCase(),
        kind: 'update',
        effectiveTime: context.creationTime,
        nhsNumber,
        author: { roleProfileId: author.roleProfileId, userId: author.userUuid, name: 'Dr Test Transport' },
        presentationTextId: randomUUID().toUpperCase(),
        presentation: [
          { kind: 'heading', text: 'General Practice Summary' },
          { kind: 'paragraph', text: note },
        ],
      }),
    nhsNumber,
  );
}
