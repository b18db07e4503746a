// GP Summary upload REPC_IN150016UK05 (spine-hl7v3.md section 8): built from a typed summary,
// with replacementOf for an update. Parsing of GPSummary documents lives in scr.ts.
import type { MessageContext } from './context';
import { el, type Markup } from './markup';
import { assertNhsNumber, assertUuid, buildInteraction, hl7Date, hl7Timestamp, OID } from './wrapper';

/** A block of the presentation text; rendered as escaped XHTML (never raw markup). */
export type GpSummaryBlock =
  | { readonly kind: 'heading'; readonly text: string }
  | { readonly kind: 'paragraph'; readonly text: string }
  | {
      readonly kind: 'table';
      readonly header: readonly string[];
      readonly rows: readonly (readonly string[])[];
    };

interface EntryBase {
  /** UUID of the entry. */
  readonly id: string;
  /** ISO date the entry is effective from. */
  readonly date: string;
}

export type GpSummaryEntryInput =
  | (EntryBase & {
      readonly kind: 'allergy';
      readonly code: string;
      readonly display: string;
      readonly reaction?: string;
    })
  | (EntryBase & {
      readonly kind: 'acute' | 'repeat' | 'discontinued';
      readonly drugCode: string;
      readonly drugName: string;
      readonly dosage: string;
      readonly quantity?: { readonly value: string; readonly unit: string; readonly text?: string };
    })
  | (EntryBase & {
      readonly kind: 'problem' | 'diagnosis' | 'finding' | 'risk' | 'treatment';
      readonly code: string;
      readonly display: string;
    });

export interface GpSummaryInput {
  /** UUID of this GPSummary document. */
  readonly id: string;
  /** initial → 196971000000103, update → 196981000000101 (spec 8.1). */
  readonly kind: 'initial' | 'update';
  readonly effectiveTime: Date;
  readonly nhsNumber: string;
  /** The GP Summary author: Spine requires role profile, user id and a name (spec 8.1). */
  readonly author: { readonly roleProfileId: string; readonly userId: string; readonly name: string };
  /** UUID of the presentationText act. */
  readonly presentationTextId: string;
  readonly presentation: readonly GpSummaryBlock[];
  readonly entries?: readonly GpSummaryEntryInput[];
  /** Id of the GPSummary this one replaces (an update). */
  readonly replacementOf?: string;
}

export function buildGpSummary(_context: MessageContext, _input: GpSummaryInput): string {
  throw new Error('not implemented');
}

// Re-exported for the tests and the sandbox (kept here to avoid unused-import churn).
export const _internal = {
  el,
  assertNhsNumber,
  assertUuid,
  buildInteraction,
  hl7Date,
  hl7Timestamp,
  OID,
} as const;
export type _Markup = Markup;
