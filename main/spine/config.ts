// Spine routing and reliability configuration (spine-hl7v3.md sections 3.1, 4.1, 4.2, 4.5 and 12.1).
// Owns the zod schema of the admin config's `spine` key and resolves, per interaction, the route
// the transport uses: endpoint, ASIDs, party keys, CPA id, pattern, retries, retry interval,
// persist duration and sync-reply mode. In real deployments these values come from SDS; here they
// come from the admin file, with defaults from the hl7 `interactions` table. Training mode points
// every endpoint at the local Spine sandbox.
import { z } from 'zod';
import type { AppConfig } from '../config/schema';
import { interactionInfo, type InteractionPattern } from './hl7-port';

/** ISO-8601 duration as SDS writes it (`PT1M`, `PT5M`, `PT30S`, `P1D`) or milliseconds. */
const Duration = z.union([
  z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3600 * 1000),
  z
    .string()
    .regex(
      /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/,
      'an ISO-8601 duration like PT1M',
    )
    .refine((text) => text !== 'P' && !text.endsWith('T'), 'an ISO-8601 duration like PT1M'),
]);
type Duration = z.infer<typeof Duration>;

export function durationMs(value: Duration): number {
  if (typeof value === 'number') return value;
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(value);
  if (!match) throw new Error(`not an ISO-8601 duration: ${value}`);
  const [, d, h, m, s] = match;
  return Math.round(
    ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(m ?? 0)) * 60_000 + Number(s ?? 0) * 1000,
  );
}

const Asid = z.string().regex(/^\d{12}$/, 'an ASID is 12 digits');
const HttpsUrl = z
  .string()
  .url()
  .refine((url) => url.startsWith('https://'), 'Spine is only reached over HTTPS (mutual TLS)');
const AnyUrl = z.string().url();

export const Pattern = z.enum(['sync', 'async-express', 'async-reliable']);

/** What SDS says about one interaction (nhsMHS* attributes); every field optional over defaults. */
export const InteractionRoute = z
  .object({
    /** Full endpoint URL (SDS nhsMHSEndPoint); defaults to baseUrl + the pattern's path. */
    endpoint: HttpsUrl.optional(),
    spineAsid: Asid.optional(),
    toPartyKey: z.string().min(1).optional(),
    cpaId: z.string().min(1).optional(),
    pattern: Pattern.optional(),
    /** nhsMHSRetries */
    retries: z.number().int().min(0).max(10).optional(),
    /** nhsMHSRetryInterval */
    retryInterval: Duration.optional(),
    /** nhsMHSPersistDuration */
    persistDuration: Duration.optional(),
    /** nhsMHSSyncReplyMode */
    syncReplyMode: z.enum(['None', 'MSHSignalsOnly', 'SignalsAndResponse']).optional(),
  })
  .strict();
export type InteractionRoute = z.infer<typeof InteractionRoute>;

export const SpineTls = z
  .object({
    /** PEM file of the Spine CA: the only trust anchor (no system roots). */
    ca: z.string().min(1),
    /** PEM file of this endpoint's certificate and its key (mutual TLS). */
    cert: z.string().min(1),
    key: z.string().min(1),
    /** TLS server name to check when the endpoint is an IP address behind a DNS name. */
    serverName: z.string().min(1).optional(),
  })
  .strict();
export type SpineTls = z.infer<typeof SpineTls>;

export const SpineConfig = z
  .object({
    /** `direct`: our own SOAP/ebXML stack; `mhs-adaptor`: NHS England's MHS adaptor outbound API. */
    mode: z.enum(['direct', 'mhs-adaptor']).default('direct'),
    /** How async business replies reach us: poll the sync-async façade, or an inbound listener. */
    replies: z.enum(['poll', 'inbound']).default('poll'),
    /** e.g. `https://msg.intspineservices.nhs.uk`; endpoints default to paths below it. */
    baseUrl: HttpsUrl.optional(),
    /** Our ASID; defaults to the top-level `asid`. */
    asid: Asid.optional(),
    spineAsid: Asid.optional(),
    /** Our MHS party key (eb:From), e.g. `A91424-9199121`. */
    partyKey: z.string().min(1).optional(),
    spinePartyKey: z.string().min(1).optional(),
    /** wsa:From / ReplyTo address. */
    fromAddress: z.string().min(1).optional(),
    tls: SpineTls.optional(),
    timeouts: z
      .object({
        connectMs: z.number().int().min(100).max(120_000).default(10_000),
        responseMs: z.number().int().min(100).max(300_000).default(20_000),
      })
      .strict()
      .default({ connectMs: 10_000, responseMs: 20_000 }),
    paths: z
      .object({
        sync: z.string().startsWith('/').default('/sync-service'),
        reliable: z.string().startsWith('/').default('/reliablemessaging/reliablerequest'),
        express: z.string().startsWith('/').default('/reliablemessaging/queryrequest'),
        /**
         * A separate sync-async façade endpoint (spec 4.6; the SCR API posts to `/clinical`). When
         * absent, polling uses the Content-Location the reliable/express endpoints answer with.
         */
        facade: z.string().startsWith('/').optional(),
      })
      .strict()
      .default({
        sync: '/sync-service',
        reliable: '/reliablemessaging/reliablerequest',
        express: '/reliablemessaging/queryrequest',
      }),
    poll: z
      .object({
        /** Total time to wait for a business reply (SCR API: 50 s). */
        budgetMs: z.number().int().min(100).max(600_000).default(50_000),
        /** Upper bound on one Retry-After wait, so a bad header cannot stall us. */
        maxIntervalMs: z.number().int().min(10).max(60_000).default(5_000),
        minIntervalMs: z.number().int().min(0).max(60_000).default(50),
      })
      .strict()
      .default({ budgetMs: 50_000, maxIntervalMs: 5_000, minIntervalMs: 50 }),
    inbound: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65_535).default(0),
        /** Server certificate and key of our inbound endpoint; `ca` verifies Spine's client certificate. */
        cert: z.string().min(1).optional(),
        key: z.string().min(1).optional(),
        ca: z.string().min(1).optional(),
        /** Whether Spine must present a certificate signed by `ca` (mutual TLS). */
        requireClientCert: z.boolean().default(true),
        /** How long to wait for a business reply delivered to us. */
        budgetMs: z.number().int().min(100).max(600_000).default(50_000),
      })
      .strict()
      .optional(),
    mhsAdaptor: z
      .object({
        /** The adaptor's outbound API, e.g. `http://mhs-outbound.internal:80/`. */
        url: AnyUrl,
        /** Wait for Spine's business reply on the same HTTP call (`wait-for-response`). */
        waitForResponse: z.boolean().default(true),
        ca: z.string().min(1).optional(),
        cert: z.string().min(1).optional(),
        key: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    /** Defaults for every interaction, then per-interaction overrides (both as SDS would give). */
    defaults: InteractionRoute.default({}),
    interactions: z.record(z.string().regex(/^[A-Z_0-9]+$/), InteractionRoute).default({}),
    /** Finished outbox messages (they hold patient data) are deleted after this many days. */
    outboxRetentionDays: z.number().int().min(1).max(365).default(30),
    /** Largest reply body accepted (Spine's message limit is 5 MB). */
    maxReplyBytes: z
      .number()
      .int()
      .min(1024)
      .max(50 * 1024 * 1024)
      .default(5 * 1024 * 1024),
  })
  .strict();
export type SpineConfig = z.infer<typeof SpineConfig>;

/** Parses `config.spine`, naming the first bad key. */
export function parseSpineConfig(raw: unknown): SpineConfig {
  const result = SpineConfig.safeParse(raw ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const key = issue ? ['spine', ...issue.path.map(String)].join('.') : 'spine';
  throw new SpineConfigError(`Invalid configuration: "${key}" — ${issue?.message ?? 'invalid'}`);
}

export class SpineConfigError extends Error {
  override readonly name = 'SpineConfigError';
}

/** Everything the transport needs to send one interaction. */
export interface Route {
  readonly interactionId: string;
  /** e.g. `urn:nhs:names:services:psis` (eb:Service). */
  readonly service: string;
  /** SOAPAction / wsa:Action = service + "/" + interaction (spec 3.1, 4.1). */
  readonly action: string;
  readonly pattern: InteractionPattern;
  readonly endpoint: string;
  readonly spineAsid: string;
  readonly ourAsid: string;
  readonly fromPartyKey: string;
  readonly toPartyKey: string;
  readonly cpaId: string;
  readonly retries: number;
  readonly retryIntervalMs: number;
  readonly persistDurationMs: number;
  readonly syncReplyMode: 'None' | 'MSHSignalsOnly' | 'SignalsAndResponse';
  /** Reliable: DuplicateElimination + AckRequested (spec 4.2); express: neither. */
  readonly reliable: boolean;
}

/**
 * CPA ids SDS returns for the interactions in the spec's samples (spec 4.2); other interactions
 * must be configured. Real values are environment specific.
 */
const knownCpaIds: Readonly<Record<string, string>> = {
  REPC_IN150016UK05: 'S20001A000182',
  QUPC_IN160101UK05: 'S20003A000304',
  QUPA_IN000006UK02: 'S2001883A2010174',
};

/** SDS reliability for async reliable interactions (spec 4.2: retries 2, PT1M, persist PT5M). */
const reliableDefaults = { retries: 2, retryIntervalMs: 60_000, persistDurationMs: 300_000 };

export function resolveRoute(
  appConfig: Pick<AppConfig, 'asid'>,
  spine: SpineConfig,
  interactionId: string,
): Route {
  const info = interactionInfo(interactionId);
  const override: InteractionRoute = { ...spine.defaults, ...(spine.interactions[interactionId] ?? {}) };
  const pattern: InteractionPattern = override.pattern ?? info?.pattern ?? 'sync';
  const service = info?.service;
  if (!service) {
    throw new SpineConfigError(`Spine interaction ${interactionId} is not known to this client.`);
  }
  const path =
    pattern === 'sync'
      ? spine.paths.sync
      : spine.replies === 'poll' && spine.paths.facade
        ? spine.paths.facade
        : pattern === 'async-reliable'
          ? spine.paths.reliable
          : spine.paths.express;
  // Through the MHS adaptor every interaction goes to its outbound API; it does the routing itself.
  const endpoint =
    spine.mode === 'mhs-adaptor'
      ? spine.mhsAdaptor?.url
      : (override.endpoint ?? (spine.baseUrl ? new URL(path, spine.baseUrl).toString() : undefined));
  const ourAsid = spine.asid ?? appConfig.asid;
  const spineAsid = override.spineAsid ?? spine.spineAsid;
  const missing = [
    endpoint ? null : spine.mode === 'mhs-adaptor' ? 'spine.mhsAdaptor.url' : 'spine.baseUrl',
    ourAsid ? null : 'asid',
    spineAsid ? null : 'spine.spineAsid',
  ].filter((name): name is string => name !== null);
  if (pattern !== 'sync' && spine.mode === 'direct') {
    if (!spine.partyKey) missing.push('spine.partyKey');
    if (!(override.toPartyKey ?? spine.spinePartyKey)) missing.push('spine.spinePartyKey');
  }
  if (missing.length > 0 || !endpoint || !ourAsid || !spineAsid) {
    throw new SpineConfigError(
      `Spine is not configured for ${interactionId}: set ${missing.join(', ')} in the admin configuration.`,
    );
  }
  const reliable = pattern === 'async-reliable';
  return {
    interactionId,
    service,
    action: `${service}/${interactionId}`,
    pattern,
    endpoint,
    spineAsid,
    ourAsid,
    fromPartyKey: spine.partyKey ?? '',
    toPartyKey: override.toPartyKey ?? spine.spinePartyKey ?? '',
    cpaId: override.cpaId ?? knownCpaIds[interactionId] ?? `${interactionId}-CPA`,
    retries: override.retries ?? (reliable ? reliableDefaults.retries : 0),
    retryIntervalMs:
      override.retryInterval !== undefined
        ? durationMs(override.retryInterval)
        : reliableDefaults.retryIntervalMs,
    persistDurationMs:
      override.persistDuration !== undefined
        ? durationMs(override.persistDuration)
        : reliableDefaults.persistDurationMs,
    syncReplyMode: override.syncReplyMode ?? (pattern === 'sync' ? 'None' : 'MSHSignalsOnly'),
    reliable,
  };
}
