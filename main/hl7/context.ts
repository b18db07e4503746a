// What every request the client builds carries besides its payload (spine-hl7v3.md sections
// 2.2 and 2.3): the transmission wrapper's identifiers and ASIDs, and the ControlActEvent authors.
// The transport fills in the wrapper values from routing config; the session supplies the author.

/** The smartcard user in `ControlActEvent/author` (all three ids non-empty, spec 2.3). */
export interface MessageAuthor {
  /** SDS role profile id (OID 1.2.826.0.1285.0.2.0.67). */
  readonly roleProfileId: string;
  /** SDS user id, the 12-digit UUID on the card (OID 1.2.826.0.1285.0.2.0.65). */
  readonly userUuid: string;
  /** Job role code, e.g. `S8000:G8000:R8000` (OID 1.2.826.0.1285.0.2.1.104). */
  readonly jobRoleCode: string;
}

export interface MessageContext {
  /** Upper-case UUID; the same id is the SOAP `wsa:MessageID` / ebXML MessageId (spec 3.2, 4). */
  readonly messageId: string;
  /** When the message was built; rendered as `YYYYMMDDHHMMSS`. */
  readonly creationTime: Date;
  /** Our accredited system (communicationFunctionSnd and author1). */
  readonly fromAsid: string;
  /** Spine's ASID (communicationFunctionRcv). */
  readonly toAsid: string;
  /** The human user; omitted only for system-level messages. */
  readonly author: MessageAuthor | null;
}
