// The `spine` configuration that points the real transport at a running Spine sandbox: its URL,
// its CA pinned, the client certificate it accepts, its ASIDs and party keys, and the CPA ids it
// expects. Training mode and the integration tests use this; the integrator puts the result under
// the config's `spine` key.
import type { SandboxHandle } from '../spine-sandbox/index';
import { INTERACTIONS } from '../spine-sandbox/index';

export interface SandboxSpineOptions {
  readonly replies?: 'poll' | 'inbound';
  readonly mode?: 'direct' | 'mhs-adaptor';
  /** SDS-style reliability for reliable interactions; training uses short intervals. */
  readonly retries?: number;
  readonly retryIntervalMs?: number;
  readonly persistDurationMs?: number;
  readonly connectTimeoutMs?: number;
  readonly responseTimeoutMs?: number;
  readonly pollBudgetMs?: number;
  /** Inbound listener (replies: 'inbound'): its server certificate, key and the CA Spine's client cert chains to. */
  readonly inbound?: {
    cert: string;
    key: string;
    ca?: string;
    requireClientCert?: boolean;
    budgetMs?: number;
  };
  readonly mhsAdaptorUrl?: string;
}

/** A value for `config.spine` (and `spine.asid` = the sandbox's client ASID). */
export function sandboxSpineConfig(
  handle: Pick<
    SandboxHandle,
    | 'url'
    | 'ca'
    | 'clientCert'
    | 'clientKey'
    | 'spineAsid'
    | 'clientAsid'
    | 'spinePartyKey'
    | 'clientPartyKey'
  >,
  options: SandboxSpineOptions = {},
): Record<string, unknown> {
  const interactions: Record<string, { cpaId: string }> = {};
  for (const interaction of INTERACTIONS) {
    if (interaction.cpaId) interactions[interaction.id] = { cpaId: interaction.cpaId };
  }
  return {
    mode: options.mode ?? 'direct',
    replies: options.replies ?? 'poll',
    baseUrl: handle.url,
    asid: handle.clientAsid,
    spineAsid: handle.spineAsid,
    partyKey: handle.clientPartyKey,
    spinePartyKey: handle.spinePartyKey,
    tls: { ca: handle.ca, cert: handle.clientCert, key: handle.clientKey },
    timeouts: {
      connectMs: options.connectTimeoutMs ?? 5_000,
      responseMs: options.responseTimeoutMs ?? 20_000,
    },
    poll: { budgetMs: options.pollBudgetMs ?? 30_000, maxIntervalMs: 1_000, minIntervalMs: 20 },
    defaults: {
      retries: options.retries ?? 2,
      retryInterval: options.retryIntervalMs ?? 2_000,
      persistDuration: options.persistDurationMs ?? 120_000,
    },
    interactions,
    ...(options.inbound
      ? {
          inbound: {
            host: '127.0.0.1',
            port: 0,
            cert: options.inbound.cert,
            key: options.inbound.key,
            ...(options.inbound.ca ? { ca: options.inbound.ca } : {}),
            requireClientCert: options.inbound.requireClientCert ?? true,
            budgetMs: options.inbound.budgetMs ?? 30_000,
          },
        }
      : {}),
    ...(options.mhsAdaptorUrl ? { mhsAdaptor: { url: options.mhsAdaptorUrl, waitForResponse: true } } : {}),
  };
}
