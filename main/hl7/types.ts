// The typed, readonly domain objects main/hl7 produces from Spine messages (and consumes when it
// builds them). Everything else in the app (transport, sandbox, clinical screens) codes against
// these shapes, never against raw XML.

/** Gender as the issue's JSON shape spells it (PDS `Sex` vocabulary 0/1/2/9, spec 6.1). */
export type Gender = 'male' | 'female' | 'not-known' | 'not-specified';

export interface PatientName {
  /** HL7 name use, e.g. `L` (usual), `PREVIOUS-BIRTH`. */
  readonly use: string | null;
  readonly prefix: readonly string[];
  readonly given: readonly string[];
  readonly family: string | null;
  readonly suffix: readonly string[];
  /** ISO date the name became valid (`validTime/low`). */
  readonly validFrom: string | null;
}

export interface Address {
  /** HL7 address use: `H` home, `PST` postal, `TMP` temporary, … */
  readonly use: string | null;
  readonly lines: readonly string[];
  readonly postcode: string | null;
  /** PAF address key. */
  readonly addressKey: string | null;
  readonly validFrom: string | null;
  readonly validTo: string | null;
}

export interface Telecom {
  /** HL7 telecom use: `H`, `HP`, `HV`, `MC`, `PG`, `WP`, … */
  readonly use: string | null;
  readonly system: 'phone' | 'fax' | 'email' | 'other';
  /** The value without its URL scheme (`tel:`, `mailto:`, `fax:`). */
  readonly value: string;
  readonly validFrom: string | null;
}

export interface Patient {
  readonly nhsNumber: string | null;
  /**
   * Restricted (sensitive) record: `confidentialityCode` present, or detected issue 5 or 9.
   * Address, telecom and GP must then not be displayed or forwarded (spec 6.3).
   */
  readonly restricted: boolean;
  readonly confidentialityCode: string | null;
  /** The superseding NHS number when Spine reports the requested one superseded (issue 24). */
  readonly supersededBy: string | null;
  /** The usual name (`use="L"`, else the first). */
  readonly name: PatientName | null;
  readonly names: readonly PatientName[];
  readonly gender: Gender | null;
  readonly birthDate: string | null;
  readonly deathDate: string | null;
  readonly addresses: readonly Address[];
  readonly telecoms: readonly Telecom[];
  /** GP practice ODS code (patientCareProvision code 1). */
  readonly gpPracticeOds: string | null;
  /** Nominated pharmacy ODS code (patientCareProvision code P1). */
  readonly nominatedPharmacyOds: string | null;
  /** Needed for any later PDS update (17.35 code 2). */
  readonly serialChangeNumber: string | null;
}

export type DocumentStatus = 'normal' | 'withdrawn' | 'replaced' | 'unknown';

export interface DocumentRef {
  /** Document (PSIS event) UUID: documentID for QUPC_IN160103UK05, eventID for QUPC_IN190000UK04. */
  readonly id: string;
  readonly status: DocumentStatus;
  /** PSISDataStatus code 17.59 as sent (1 Normal, 2 Withdrawn, 3 Replaced). */
  readonly statusCode: string | null;
  /** ISO date (time) the document was stored or is effective. */
  readonly date: string | null;
  /** SNOMED document type, e.g. 196981000000101 General Practice Summary. */
  readonly typeCode: string | null;
  readonly title: string | null;
  readonly authorName: string | null;
  /** Payload message type, e.g. REPC_MT150007UK05. */
  readonly messageType: string | null;
  readonly estimatedSize: number | null;
}

export interface DocumentList {
  readonly nhsNumber: string | null;
  /** Newest first. */
  readonly documents: readonly DocumentRef[];
  /** Spine-2 event list responses also carry the patient's ACS permissions (spec 7.4). */
  readonly permissions: readonly AcsPermission[];
  /** The latest Normal GP Summary, the one to fetch (spec 12 item 7). */
  readonly latest: DocumentRef | null;
}

/** Elements the sanitised SCR presentation text may contain; everything else is dropped or unwrapped. */
export type SafeTag =
  | 'h1'
  | 'h2'
  | 'h3'
  | 'h4'
  | 'h5'
  | 'h6'
  | 'p'
  | 'br'
  | 'div'
  | 'span'
  | 'table'
  | 'thead'
  | 'tbody'
  | 'tfoot'
  | 'tr'
  | 'th'
  | 'td'
  | 'caption'
  | 'col'
  | 'colgroup'
  | 'ul'
  | 'ol'
  | 'li'
  | 'b'
  | 'strong'
  | 'i'
  | 'em'
  | 'u'
  | 'sub'
  | 'sup'
  | 'pre'
  | 'code'
  | 'hr'
  | 'del'
  | 's';

/** Attributes kept; values are plain strings (no URLs, no styles, no event handlers). */
export type SafeAttr = 'id' | 'colspan' | 'rowspan' | 'scope' | 'headers' | 'title' | 'lang';

/** A node of sanitised XHTML: a React renderer can draw it with createElement, no innerHTML. */
export type SafeNode =
  | { readonly kind: 'text'; readonly text: string }
  | {
      readonly kind: 'element';
      readonly tag: SafeTag;
      readonly attrs: Readonly<Partial<Record<SafeAttr, string>>>;
      readonly children: readonly SafeNode[];
    };

/** Clinical category of a coded entry (spec 8.2), derived from the pertinentCREType code or class. */
export type EntryCategory =
  | 'medication'
  | 'allergy'
  | 'problem'
  | 'diagnosis'
  | 'risk'
  | 'treatment'
  | 'finding'
  | 'investigation'
  | 'social'
  | 'care-event'
  | 'preference'
  | 'advice'
  | 'correspondence'
  | 'family-history'
  | 'documentation'
  | 'other';

export interface Quantity {
  readonly value: string | null;
  readonly unit: string | null;
  /** e.g. `tablet` (translation/originalText). */
  readonly text: string | null;
}

export interface MedicationDetail {
  readonly kind: 'acute' | 'repeat' | 'discontinued' | 'administration';
  readonly drugCode: string | null;
  readonly drugName: string | null;
  readonly dosage: string | null;
  readonly quantity: Quantity | null;
}

export interface ScrEntry {
  readonly category: EntryCategory;
  /** Class name after the dot, e.g. `AcuteMedication`, `Allergy`. */
  readonly type: string;
  readonly code: string | null;
  readonly codeSystem: string | null;
  readonly display: string | null;
  readonly originalText: string | null;
  readonly effectiveTime: string | null;
  readonly status: string | null;
  /** Supporting text, e.g. an allergy's reaction ("severe vomiting"). */
  readonly text: string | null;
  readonly medication: MedicationDetail | null;
}

export interface ScrAuthor {
  readonly name: string | null;
  readonly roleProfileId: string | null;
  readonly userId: string | null;
  readonly organisationName: string | null;
  readonly organisationId: string | null;
  readonly time: string | null;
}

export interface SummaryCareRecord {
  readonly id: string | null;
  /** initial = 196971000000103 "General Practice Initial Summary"; update = 196981000000101. */
  readonly kind: 'initial' | 'update' | 'unknown';
  readonly code: string | null;
  readonly codeDisplay: string | null;
  readonly effectiveTime: string | null;
  readonly nhsNumber: string | null;
  readonly author: ScrAuthor | null;
  /** Ids of the GP Summaries this one replaces (replacementOf/priorMessageRef). */
  readonly replaces: readonly string[];
  /** The XHTML presentation text, sanitised to the SafeTag/SafeAttr allow-list. */
  readonly presentation: readonly SafeNode[];
  /** What sanitising removed from the presentation text (shown as notes, issue 11). */
  readonly presentationRemoved: boolean;
  readonly presentationDirectionMarksRemoved: boolean;
  /** Headings (h1–h3) of the presentation text, in order. */
  readonly sections: readonly string[];
  readonly entries: readonly ScrEntry[];
  readonly entriesByCategory: Readonly<Partial<Record<EntryCategory, readonly ScrEntry[]>>>;
}

/** The patient's consent to view the SCR as the pharmacist sees it. */
export type ConsentState = 'yes' | 'no' | 'ask';

/** One ACS access-control assertion (spec 9). Absent in a Get response means Ask. */
export interface AcsPermission {
  /** e.g. `Consent`, `Sealing`. */
  readonly context: string | null;
  /** `View` or `Store`. */
  readonly code: string | null;
  /** As sent: `Yes`, `No`, `Ask` (or `Clear` in a set request). */
  readonly permission: string;
  readonly resourceType: string | null;
  readonly resourceId: string | null;
  readonly accessorType: string | null;
  readonly accessorName: string | null;
}

export interface ConsentDetails {
  /** View permission (the one that gates reading), Ask when no assertion is present. */
  readonly state: ConsentState;
  readonly view: ConsentState;
  readonly store: ConsentState;
  readonly nhsNumber: string | null;
  readonly permissions: readonly AcsPermission[];
}

/** A code Spine sent with a failure or warning, whichever layer it came from. */
export interface SpineCode {
  readonly code: string;
  readonly codeSystem: string | null;
  readonly display: string | null;
  /** `ER` error, `WG` warning (HL7), or the SOAP/ebXML severity. */
  readonly qualifier: string | null;
}

export type SpineErrorKind =
  | 'not-found'
  | 'consent-withheld'
  | 'access-refused'
  | 'invalid-request'
  | 'duplicate'
  | 'logical-inconsistency'
  | 'patient-merged'
  | 'invalid-update'
  | 'service-unavailable'
  | 'system-error'
  | 'transport-rejected'
  | 'unknown';

export interface SpineError {
  readonly kind: SpineErrorKind;
  /** Where it came from: HL7 acknowledgement / detected issue, SOAP fault, ebXML MessageError. */
  readonly layer: 'hl7' | 'soap-fault' | 'ebxml';
  /** All codes as sent; the first is the general class (spec 5.1). */
  readonly codes: readonly SpineCode[];
  /** The general code (e.g. `420`, `200`, `501319`). */
  readonly code: string | null;
  /** The detail code of a logical inconsistency etc. (e.g. `30312`, `30418`). */
  readonly detailCode: string | null;
  /** Safe to resend the same message (SOAP fault 200/206/208 only, spec 4.5). */
  readonly retryable: boolean;
  /** Plain words a pharmacist can act on. */
  readonly userMessage: string;
}

export interface Acknowledgement {
  readonly type: 'AA' | 'AE' | 'AR';
  /** HL7 id of the acknowledged message. */
  readonly messageRef: string | null;
  /** `acknowledgementDetail` codes (17.32) and detected issues (reasons). */
  readonly details: readonly SpineCode[];
  readonly issues: readonly SpineCode[];
  /** e.g. "GP Summary upload successful". */
  readonly successDetail: string | null;
  /** The classified failure for AE/AR; null when accepted without errors. */
  readonly error: SpineError | null;
}
