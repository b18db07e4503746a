// Fault injection (issue 4 §2): rules chosen per interaction, per NHS number or per request
// header `X-Sandbox-Fault`, each optionally one-shot (`times`). Set in code (setFaults), from a
// JSON file at start, or through `POST /_admin/faults` (loopback only).
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const FaultKind = z.enum([
  'latency', // add `ms` before answering normally
  'timeout', // never answer; the connection is closed after `ms` (bounded, default 60 s)
  'reset', // destroy the TCP connection without a response
  'soap-fault', // HTTP 500 SOAP fault with `code` (200/206/208 retryable, others not)
  'ebxml-error', // HTTP 200 ebXML MessageError with `description`
  'ack', // business acknowledgement with `ackCode` AE|AR and `code`/`display`
  'async-delay', // deliver the async reply `ms` later
  'async-drop', // never send the async reply
  'async-duplicate', // deliver the async reply twice (same MessageId)
  'malformed', // HTTP 200 with a body that is not well-formed XML
  'oversized', // HTTP 200 with a body of `bytes` (default 12 MiB)
  'http-status', // a bare HTTP `status` with an empty body
  'poll-location', // the façade's 202 names `location` as Content-Location (a foreign or plain-HTTP poll)
]);
export type FaultKind = z.infer<typeof FaultKind>;

export const FaultRule = z
  .object({
    kind: FaultKind,
    /** Which requests: any of these that are set must match. */
    interaction: z.string().optional(),
    nhsNumber: z.string().optional(),
    /** Matches requests carrying `X-Sandbox-Fault: <header>`. */
    header: z.string().optional(),
    /** How many matching requests this rule applies to; absent = every one. */
    times: z.number().int().positive().optional(),
    ms: z.number().int().nonnegative().max(600_000).optional(),
    code: z.string().optional(),
    description: z.string().optional(),
    ackCode: z.enum(['AE', 'AR']).optional(),
    display: z.string().optional(),
    bytes: z
      .number()
      .int()
      .positive()
      .max(64 * 1024 * 1024)
      .optional(),
    status: z.number().int().min(100).max(599).optional(),
    location: z.string().optional(),
  })
  .strict();
export type FaultRule = z.infer<typeof FaultRule>;

export const FaultRules = z.array(FaultRule);

export interface FaultTarget {
  readonly interaction: string | null;
  readonly nhsNumber: string | null;
  readonly header: string | null;
}

export class FaultBook {
  private rules: { rule: FaultRule; left: number }[] = [];

  set(rules: readonly FaultRule[]): void {
    this.rules = FaultRules.parse(rules).map((rule) => ({
      rule,
      left: rule.times ?? Number.POSITIVE_INFINITY,
    }));
  }

  add(rules: readonly FaultRule[]): void {
    this.rules.push(
      ...FaultRules.parse(rules).map((rule) => ({ rule, left: rule.times ?? Number.POSITIVE_INFINITY })),
    );
  }

  clear(): void {
    this.rules = [];
  }

  list(): readonly FaultRule[] {
    return this.rules.filter((r) => r.left > 0).map((r) => r.rule);
  }

  /**
   * The first live rule of one of `kinds` matching the target, consumed once. A rule with no
   * selector matches every request; a header rule only matches that header.
   */
  take(target: FaultTarget, kinds: readonly FaultKind[]): FaultRule | null {
    for (const entry of this.rules) {
      const { rule } = entry;
      if (entry.left <= 0 || !kinds.includes(rule.kind)) continue;
      if (rule.interaction && rule.interaction !== target.interaction) continue;
      if (rule.nhsNumber && rule.nhsNumber !== target.nhsNumber) continue;
      if (rule.header && rule.header !== target.header) continue;
      entry.left -= 1;
      return rule;
    }
    return null;
  }
}

export function loadFaultsFile(file: string): FaultRule[] {
  return FaultRules.parse(JSON.parse(readFileSync(file, 'utf8')));
}
