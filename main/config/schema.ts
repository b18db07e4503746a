// The configuration schema: what an IT manager sets machine-wide, and the few things a user may
// change for themselves. Every value is validated; an invalid one stops start-up with a message
// naming the key and the value.
import { z } from 'zod';
import { moduleEnvRefusal, refusedModuleEnv } from '../../native/pkcs11/module-env';

export const Environment = z.enum(['training', 'path-to-live', 'live']);
export type Environment = z.infer<typeof Environment>;

export const CardRemovalPolicy = z.enum(['lock', 'logout', 'ignore']);

export const Policies = z
  .object({
    /** product.md section 9: card removal locks by default. */
    cardRemoval: CardRemovalPolicy.default('lock'),
    /** CIS2 session rules: 15 minutes idle (NHS CIA Ses Req 005). */
    idleTimeoutMinutes: z.number().int().min(1).max(240).default(15),
    idleWarningSeconds: z.number().int().min(10).max(600).default(120),
    /** CIS2 session rules: 12 hours absolute (NHS CIA Ses Req 007). */
    absoluteLimitHours: z.number().min(1).max(24).default(12),
    /** In-context launch (issue 14): requests accepted a minute, across all launching systems. */
    launchRequestsPerMinute: z.number().int().min(1).max(120).default(10),
  })
  .strict();

export const AuditConfig = z
  .object({
    /** Folder holding the encrypted audit database; defaults to the user-data folder. */
    dir: z.string().min(1).optional(),
    /** Linux without a keyring offers only a plain-text key store; clinical use then needs explicit consent. */
    allowBasicTextKeyStore: z.boolean().default(false),
    /**
     * Folder of the append-only witness file of signed checkpoints (issue 12). Default: beside the
     * audit folder, never inside it (`<audit folder>-witness`).
     */
    witnessDir: z.string().min(1).optional(),
    /** Export key fingerprints `smsp audit verify` trusts without `--trust` (several: keys rotate). */
    trustedSigners: z
      .array(
        z
          .string()
          .regex(
            /^(sha256:)?[0-9a-fA-F]{2}(:?[0-9a-fA-F]{2}){31}$/,
            'a fingerprint is 64 hex digits (SHA-256)',
          ),
      )
      .default([]),
    /** Clock skew (against Spine's Date header) beyond which the user is told and entries say so. */
    maxClockSkewSeconds: z.number().int().min(1).max(3600).default(60),
  })
  .strict();

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time is HH:MM, 24-hour');

/**
 * The organisation's opening hours: SCR access outside them is queued for the privacy officer's
 * review (issue 13). Days are 0 (Sunday) to 6 (Saturday), in the workstation's local time.
 */
export const OpeningHours = z
  .object({
    days: z.array(z.number().int().min(0).max(6)).max(7).default([1, 2, 3, 4, 5, 6]),
    opens: clock.default('08:00'),
    closes: clock.default('18:30'),
  })
  .strict();
export type OpeningHours = z.infer<typeof OpeningHours>;

export const GovernanceConfig = z
  .object({
    openingHours: OpeningHours.default(OpeningHours.parse({})),
  })
  .strict();

/**
 * The estate audit store (issue 16). Administrator only: the URL may carry the PostgreSQL
 * password, and a user's own file may never set it.
 */
export const EstateConfig = z
  .object({
    /** `file:PATH` (embedded, encrypted) or `postgresql://…`. */
    store: z
      .string()
      .regex(/^(file:.+|postgres(ql)?:\/\/.+)$/, 'the estate store is file:PATH or postgresql://…')
      .optional(),
    /** The file store's key file (0600, 64 hex digits). */
    keyFile: z.string().min(1).optional(),
    /** How long entries are kept before `audit purge` removes them (with a signed purge record). */
    retentionDays: z.number().int().min(1).max(36_500).optional(),
  })
  .strict();

export const SmartcardConfig = z
  .object({
    /** Allow-list of PKCS#11 modules. A module path is never typed by a user. */
    modules: z.array(z.string().min(1)).default([]),
    /** The module to load now; must be one of `modules` (default: the first). */
    module: z.string().min(1).optional(),
    /** How often the PKCS#11 monitor looks for cards (toolchain.md measured 250 ms for PC/SC). */
    pollMs: z.number().int().min(50).max(5_000).default(250),
    /**
     * Environment for the PKCS#11 processes, e.g. SOFTHSM2_CONF for the training cards. Only the
     * variables named for the module in use (native/pkcs11/module-env.ts) are accepted.
     */
    env: z.record(z.string(), z.string()).default({}),
    /**
     * Training only: the virtual card reader. `storeDir` is the SoftHSM2 tokendir the monitor
     * sees; `cardsDir` holds the cards that are out of the reader (test/smartcard).
     */
    trainingReader: z
      .object({ storeDir: z.string().min(1), cardsDir: z.string().min(1) })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((smartcard, context) => {
    // Why: the PKCS#11 process handles the PIN; a variable like OPENSSL_CONF would load a library
    // into it (issue 12 finding 6). Refused here, naming the key, rather than dropped silently.
    const module = smartcard.module ?? smartcard.modules[0];
    for (const key of refusedModuleEnv(module, smartcard.env))
      context.addIssue({ code: 'custom', path: ['env', key], message: moduleEnvRefusal(module) });
  });

export const IdentityConfig = z
  .object({
    /** product.md 9: CIS smartcard challenge/response first; CIS2 OIDC behind the same interface. */
    provider: z.enum(['cis', 'cis2']).default('cis'),
    /** Base URL of the identity service (the sandbox's `<url>/identity` in training). */
    url: z.string().url().optional(),
    /** PEM file of the CA the identity service's certificate must chain to (pinned; no system CAs). */
    caFile: z.string().min(1).optional(),
    /** Client certificate and key for mutual TLS to the identity service, when it asks for one. */
    clientCertFile: z.string().min(1).optional(),
    clientKeyFile: z.string().min(1).optional(),
    /** CIS2 (OIDC): client id, the private key (PEM, PKCS#8) for private_key_jwt, and its key id. */
    cis2: z
      .object({
        clientId: z.string().min(1),
        /** The OIDC issuer; defaults to `<url>/oidc` (the sandbox's provider). */
        issuer: z.string().url().optional(),
        privateKeyFile: z.string().min(1),
        keyId: z.string().min(1).default('smsp-client'),
        redirectUri: z.string().url().default('http://127.0.0.1/cis2/callback'),
        /** AAL3 for the smartcard route (product.md 3b step 2). */
        acrValues: z.string().default('AAL3_ANY'),
      })
      .strict()
      .optional(),
  })
  .strict();
export type IdentityConfig = z.infer<typeof IdentityConfig>;

export const UserPreferences = z
  .object({
    textSize: z.enum(['normal', 'large']).default('normal'),
    searchMode: z.enum(['nhs-number', 'basic', 'advanced']).default('nhs-number'),
  })
  .strict();
export type UserPreferences = z.infer<typeof UserPreferences>;

export const AppConfig = z
  .object({
    environment: Environment.default('training'),
    workstation: z.string().min(1).max(64).optional(),
    /** Our accredited system's ASID (Spine Accredited System ID, 12 digits). */
    asid: z
      .string()
      .regex(/^\d{12}$/, 'an ASID is 12 digits')
      .optional(),
    policies: Policies.default(Policies.parse({})),
    audit: AuditConfig.default(AuditConfig.parse({})),
    estate: EstateConfig.default(EstateConfig.parse({})),
    smartcard: SmartcardConfig.default(SmartcardConfig.parse({})),
    governance: GovernanceConfig.default(GovernanceConfig.parse({})),
    identity: IdentityConfig.default(IdentityConfig.parse({})),
    /** Spine routing and reliability; its shape is owned by main/spine. */
    spine: z.record(z.string(), z.unknown()).default({}),
    preferences: UserPreferences.default(UserPreferences.parse({})),
  })
  .strict();
export type AppConfig = z.infer<typeof AppConfig>;

/** The top-level keys a user's own file may set; everything else is the administrator's. */
export const userChangeableKeys = ['preferences'] as const;
