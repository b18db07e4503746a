// Test helpers for the sandbox: a Node https client holding the sandbox's client identity, and
// builders for requests shaped as spine-hl7v3.md describes (sync SOAP 3.2, ebXML 4.1/4.2), so
// each test can break exactly one rule.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { startSandbox, type SandboxHandle } from '../../spine-sandbox/index';

export interface HttpReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

export interface TlsIdentity {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
}

export function identityOf(sandbox: SandboxHandle): TlsIdentity {
  return {
    ca: readFileSync(sandbox.ca, 'utf8'),
    cert: readFileSync(sandbox.clientCert, 'utf8'),
    key: readFileSync(sandbox.clientKey, 'utf8'),
  };
}

/**
 * One sandbox for a test file, in its own temporary folder, without the identity service (these
 * tests are about Spine); stopped and removed after the file. `ready` receives it once started.
 */
export function sandboxForFile(
  prefix: string,
  ready: (sandbox: SandboxHandle, tls: TlsIdentity, dir: string) => void,
): void {
  let dir = '';
  let sandbox: SandboxHandle | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
    sandbox = await startSandbox({ dataDir: dir, identity: false });
    ready(sandbox, identityOf(sandbox), dir);
  });
  afterAll(async () => {
    await sandbox?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
}

export function send(
  url: string,
  tls: TlsIdentity,
  options: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: string;
    timeoutMs?: number;
  },
): Promise<HttpReply> {
  const target = new URL(options.path, url);
  const req: RequestOptions = {
    host: target.hostname,
    port: target.port,
    path: target.pathname + target.search,
    method: options.method ?? 'POST',
    headers: {
      ...(options.body !== undefined ? { 'Content-Length': String(Buffer.byteLength(options.body)) } : {}),
      ...options.headers,
    },
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    agent: false,
    timeout: options.timeoutMs ?? 10_000,
  };
  return new Promise((resolve, reject) => {
    const r = httpsRequest(req, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    r.on('timeout', () => r.destroy(new Error('client timeout')));
    r.on('error', reject);
    r.end(options.body);
  });
}

export const uuid = (): string => randomUUID().toUpperCase();

export interface Wrapper {
  interactionId: string;
  id?: string;
  rcvAsid: string;
  sndAsid: string;
  controlAct: string;
  rootName?: string;
}

export const author = (role = '555254242102', user = '555254240100', job = 'S8000:G8000:R8000'): string =>
  `<author typeCode="AUT"><AgentPersonSDS classCode="AGNT"><id root="1.2.826.0.1285.0.2.0.67" extension="${role}"/>` +
  `<agentPersonSDS classCode="PSN" determinerCode="INSTANCE"><id root="1.2.826.0.1285.0.2.0.65" extension="${user}"/></agentPersonSDS>` +
  `<part typeCode="PART"><partSDSRole classCode="ROL"><id root="1.2.826.0.1285.0.2.1.104" extension="${job}"/></partSDSRole></part></AgentPersonSDS></author>`;

export const author1 = (asid: string): string =>
  `<author1 typeCode="AUT"><AgentSystemSDS classCode="AGNT"><agentSystemSDS classCode="DEV" determinerCode="INSTANCE"><id root="1.2.826.0.1285.0.2.0.107" extension="${asid}"/></agentSystemSDS></AgentSystemSDS></author1>`;

export function hl7(w: Wrapper): string {
  const root = w.rootName ?? w.interactionId;
  return (
    `<${root} xmlns="urn:hl7-org:v3"><id root="${w.id ?? uuid()}"/><creationTime value="20260101120000"/>` +
    `<versionCode code="V3NPfIT3.0"/><interactionId root="2.16.840.1.113883.2.1.3.2.4.12" extension="${w.interactionId}"/>` +
    `<processingCode code="P"/><processingModeCode code="T"/><acceptAckCode code="NE"/>` +
    `<communicationFunctionRcv typeCode="RCV"><device classCode="DEV" determinerCode="INSTANCE"><id root="1.2.826.0.1285.0.2.0.107" extension="${w.rcvAsid}"/></device></communicationFunctionRcv>` +
    `<communicationFunctionSnd typeCode="SND"><device classCode="DEV" determinerCode="INSTANCE"><id root="1.2.826.0.1285.0.2.0.107" extension="${w.sndAsid}"/></device></communicationFunctionSnd>` +
    `<ControlActEvent classCode="CACT" moodCode="EVN">${w.controlAct}</ControlActEvent></${root}>`
  );
}

export interface SoapParts {
  messageId?: string;
  action: string;
  to?: string;
  rcvAsid: string;
  sndAsid: string;
  body: string;
}

export function soapEnvelope(p: SoapParts): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:hl7="urn:hl7-org:v3">` +
    `<SOAP-ENV:Header><wsa:MessageID>${p.messageId ?? `uuid:${uuid()}`}</wsa:MessageID><wsa:Action>${p.action}</wsa:Action>` +
    `<wsa:To>${p.to ?? 'https://127.0.0.1/sync-service'}</wsa:To><wsa:From><wsa:Address>127.0.0.1</wsa:Address></wsa:From>` +
    `<hl7:communicationFunctionRcv><hl7:device><hl7:id root="1.2.826.0.1285.0.2.0.107" extension="${p.rcvAsid}"/></hl7:device></hl7:communicationFunctionRcv>` +
    `<hl7:communicationFunctionSnd><hl7:device><hl7:id root="1.2.826.0.1285.0.2.0.107" extension="${p.sndAsid}"/></hl7:device></hl7:communicationFunctionSnd>` +
    `<wsa:ReplyTo><wsa:Address>127.0.0.1</wsa:Address></wsa:ReplyTo></SOAP-ENV:Header><SOAP-ENV:Body>${p.body}</SOAP-ENV:Body></SOAP-ENV:Envelope>`
  );
}

export const retrievalQuery = (nhsNumber: string): string =>
  `<query><historicDataIndicator><value code="0" codeSystem="2.16.840.1.113883.2.1.3.2.4.17.36"/><semanticsText>historicDataIndicator</semanticsText></historicDataIndicator>` +
  `<person.id><value root="2.16.840.1.113883.2.1.4.1" extension="${nhsNumber}"/><semanticsText>person.id</semanticsText></person.id>` +
  `<retrievalItem><semanticsText>person.allData</semanticsText></retrievalItem></query>`;

export const SERVICES: Record<string, string> = {
  QUPA_IN000005UK01: 'urn:nhs:names:services:pdsquery',
  QUPA_IN000008UK02: 'urn:nhs:names:services:pdsquery',
  QUPA_IN000006UK02: 'urn:nhs:names:services:pdsquery',
  QUPC_IN180000SM04: 'urn:nhs:names:services:psisquery',
  QUPC_IN190000UK04: 'urn:nhs:names:services:psisquery',
  QUPC_IN160101UK05: 'urn:nhs:names:services:psisquery',
  QUPC_IN160103UK05: 'urn:nhs:names:services:psisquery',
  SET_RESOURCE_PERMISSIONS_INUK01: 'urn:nhs:names:services:lrs',
  GET_RESOURCE_PERMISSIONS_INUK01: 'urn:nhs:names:services:lrsquery',
  HAS_RESOURCE_PERMISSIONS_INUK01: 'urn:nhs:names:services:lrsquery',
  REPC_IN150016UK05: 'urn:nhs:names:services:psis',
  REPC_IN040000UK15: 'urn:nhs:names:services:lrs',
};

/** A valid sync request to the sandbox; `tweak` changes parts to break one rule. */
export function syncRequest(
  sandbox: SandboxHandle,
  interactionId: string,
  controlActInner: string,
  tweak: Partial<SoapParts> & { hl7?: Partial<Wrapper>; withAuthor?: boolean } = {},
): { body: string; headers: Record<string, string> } {
  const action = tweak.action ?? `${SERVICES[interactionId] ?? ''}/${interactionId}`;
  const wrapper: Wrapper = {
    interactionId,
    rcvAsid: sandbox.spineAsid,
    sndAsid: sandbox.clientAsid,
    controlAct: `${tweak.withAuthor === false ? '' : author()}${author1(sandbox.clientAsid)}${controlActInner}`,
    ...tweak.hl7,
  };
  const body = soapEnvelope({
    action,
    rcvAsid: tweak.rcvAsid ?? sandbox.spineAsid,
    sndAsid: tweak.sndAsid ?? sandbox.clientAsid,
    body: hl7(wrapper),
    ...(tweak.messageId !== undefined ? { messageId: tweak.messageId } : {}),
    ...(tweak.to !== undefined ? { to: tweak.to } : {}),
  });
  return { body, headers: { 'Content-Type': 'text/xml; charset=UTF-8', SOAPAction: action } };
}

export interface EbxmlParts {
  interactionId: string;
  hl7: string;
  messageId?: string;
  conversationId?: string;
  cpaId?: string;
  fromPartyKey?: string;
  toPartyKey?: string;
  service?: string;
  action?: string;
  /** Reliable flags; default per the interaction. */
  duplicateElimination?: boolean;
  ackRequested?: boolean;
  syncReply?: boolean;
  manifestHref?: string;
  soapAction?: string;
}

export const CPA: Record<string, string> = {
  QUPA_IN000006UK02: 'S2001883A2010174',
  QUPC_IN160101UK05: 'S20003A000304',
  QUPC_IN160103UK05: 'QUPC_IN160103UK05-CPA',
  REPC_IN150016UK05: 'S20001A000182',
  REPC_IN040000UK15: 'REPC_IN040000UK15-CPA',
};
const RELIABLE = new Set(['REPC_IN150016UK05', 'REPC_IN040000UK15']);

/** A valid ebXML multipart request (spec 4.1/4.2); fields can be overridden to break one rule. */
export function ebxmlRequest(
  sandbox: SandboxHandle,
  p: EbxmlParts,
): { body: string; headers: Record<string, string>; messageId: string; path: string } {
  const messageId = p.messageId ?? uuid();
  const reliable = RELIABLE.has(p.interactionId);
  const service = p.service ?? SERVICES[p.interactionId] ?? '';
  const action = p.action ?? p.interactionId;
  const dup = p.duplicateElimination ?? reliable;
  const ack = p.ackRequested ?? reliable;
  const sync = p.syncReply ?? true;
  const header =
    `<?xml version="1.0" encoding="UTF-8"?><SOAP:Envelope xmlns:SOAP="http://schemas.xmlsoap.org/soap/envelope/" xmlns:eb="http://www.oasis-open.org/committees/ebxml-msg/schema/msg-header-2_0.xsd" xmlns:hl7ebxml="urn:hl7-org:transport/ebXML/DSTUv1.0" xmlns:xlink="http://www.w3.org/1999/xlink">` +
    `<SOAP:Header><eb:MessageHeader SOAP:mustUnderstand="1" eb:version="2.0">` +
    `<eb:From><eb:PartyId eb:type="urn:nhs:names:partyType:ocs+serviceInstance">${p.fromPartyKey ?? sandbox.clientPartyKey}</eb:PartyId></eb:From>` +
    `<eb:To><eb:PartyId eb:type="urn:nhs:names:partyType:ocs+serviceInstance">${p.toPartyKey ?? sandbox.spinePartyKey}</eb:PartyId></eb:To>` +
    `<eb:CPAId>${p.cpaId ?? CPA[p.interactionId] ?? ''}</eb:CPAId><eb:ConversationId>${p.conversationId ?? messageId}</eb:ConversationId>` +
    `<eb:Service>${service}</eb:Service><eb:Action>${action}</eb:Action>` +
    `<eb:MessageData><eb:MessageId>${messageId}</eb:MessageId><eb:Timestamp>2026-01-01T12:00:00Z</eb:Timestamp></eb:MessageData>` +
    (dup ? '<eb:DuplicateElimination/>' : '') +
    `</eb:MessageHeader>` +
    (ack
      ? '<eb:AckRequested SOAP:mustUnderstand="1" eb:version="2.0" eb:signed="false" SOAP:actor="urn:oasis:names:tc:ebxml-msg:actor:toPartyMSH"/>'
      : '') +
    (sync
      ? '<eb:SyncReply SOAP:mustUnderstand="1" eb:version="2.0" SOAP:actor="http://schemas.xmlsoap.org/soap/actor/next"/>'
      : '') +
    `</SOAP:Header><SOAP:Body><eb:Manifest SOAP:mustUnderstand="1" eb:version="2.0">` +
    `<eb:Reference xlink:href="${p.manifestHref ?? `cid:${messageId}@spine.nhs.uk`}"><eb:Schema eb:location="http://www.nhsia.nhs.uk/schemas/HL7-Message.xsd" eb:version="1.0"/>` +
    `<eb:Description xml:lang="en">HL7 payload</eb:Description><hl7ebxml:Payload style="HL7" encoding="XML" version="3.0"/></eb:Reference>` +
    `</eb:Manifest></SOAP:Body></SOAP:Envelope>`;
  const boundary = '--=_MIME-Boundary';
  const body =
    `--${boundary}\r\nContent-Id: <ebXMLHeader@spine.nhs.uk>\r\nContent-Type: text/xml; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${header}\r\n` +
    `--${boundary}\r\nContent-Id: <${messageId}@spine.nhs.uk>\r\nContent-Type: application/xml; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${p.hl7}\r\n` +
    `--${boundary}--\r\n`;
  return {
    body,
    messageId,
    path: reliable ? '/reliablemessaging/reliablerequest' : '/reliablemessaging/queryrequest',
    headers: {
      'Content-Type': `multipart/related; boundary="${boundary}"; type="text/xml"; start="<ebXMLHeader@spine.nhs.uk>"`,
      SOAPAction: p.soapAction ?? `${service}/${action}`,
    },
  };
}

/** The HL7 wrapper for an async request, sent by the sandbox's accepted client. */
export function asyncHl7(
  sandbox: SandboxHandle,
  interactionId: string,
  inner: string,
  w: Partial<Wrapper> = {},
): string {
  return hl7({
    interactionId,
    rcvAsid: sandbox.spineAsid,
    sndAsid: sandbox.clientAsid,
    controlAct: `${author()}${author1(sandbox.clientAsid)}${inner}`,
    ...w,
  });
}

/** Polls a façade location until 200 (bounded). */
export async function pollReply(
  sandbox: SandboxHandle,
  tls: TlsIdentity,
  location: string,
  budgetMs = 5000,
): Promise<HttpReply> {
  const until = Date.now() + budgetMs;
  for (;;) {
    const reply = await send(sandbox.url, tls, { method: 'GET', path: new URL(location).pathname });
    if (reply.status !== 202) return reply;
    if (Date.now() > until) throw new Error(`no reply at ${location} within ${budgetMs} ms`);
    await new Promise((r) => setTimeout(r, Number(reply.headers['retry-after'] ?? 50)));
  }
}

export const docListQuery = (nhsNumber: string, dissent = '0'): string =>
  `<query><dissentOverride><semanticsText>DissentOverride</semanticsText><value code="${dissent}" codeSystem="2.16.840.1.113883.2.1.3.2.4.17.60"/></dissentOverride>` +
  `<filterParameters><date><semanticsText>Date</semanticsText><value><low value="20000101000000"/><high value="20991231235900"/></value></date></filterParameters>` +
  `<nHSNumber><semanticsText>NHSNumber</semanticsText><value root="2.16.840.1.113883.2.1.4.1" extension="${nhsNumber}"/></nHSNumber></query>`;

export const docQuery = (nhsNumber: string, documentId: string): string =>
  `<query><dissentOverride><semanticsText>DissentOverride</semanticsText><value code="0" codeSystem="2.16.840.1.113883.2.1.3.2.4.17.60"/></dissentOverride>` +
  `<filterParameters><documentID><semanticsText>DocumentID</semanticsText><value root="${documentId}"/></documentID></filterParameters>` +
  `<nHSNumber><semanticsText>NHSNumber</semanticsText><value root="2.16.840.1.113883.2.1.4.1" extension="${nhsNumber}"/></nHSNumber></query>`;

export const eventListQuery = (nhsNumber: string): string =>
  `<query><dissentOverride><semanticsText>DissentOverride</semanticsText><value code="0" codeSystem="2.16.840.1.113883.2.1.3.2.4.17.60"/></dissentOverride>` +
  `<nHSNumber><semanticsText>NHSNumber</semanticsText><value root="2.16.840.1.113883.2.1.4.1" extension="${nhsNumber}"/></nHSNumber></query>`;

export const eventQueryQuery = (nhsNumber: string, eventId: string): string =>
  `<query><dissentOverride><semanticsText>DissentOverride</semanticsText><value code="0" codeSystem="2.16.840.1.113883.2.1.3.2.4.17.60"/></dissentOverride>` +
  `<eventRecord><semanticsText>EventRecord</semanticsText><value root="${eventId}"/></eventRecord>` +
  `<nHSNumber><semanticsText>NHSNumber</semanticsText><value root="2.16.840.1.113883.2.1.4.1" extension="${nhsNumber}"/></nHSNumber></query>`;

export const acsGet = (nhsNumber: string): string =>
  `<crs:getResourcePermissionsRequest xmlns:crs="http://national.carerecords.nhs.uk/schema/crs/"><crs:accessControlQuery>` +
  `<crs:resourceContext root="2.16.840.1.113883.2.1.4.1" extension="${nhsNumber}"/></crs:accessControlQuery></crs:getResourcePermissionsRequest>`;

export const acsSet = (
  nhsNumber: string,
  permission: 'Yes' | 'No' | 'Clear',
  codes: string[] = ['View'],
): string =>
  `<crs:setResourcePermissionsRequest xmlns:crs="http://national.carerecords.nhs.uk/schema/crs/"><crs:permissions>` +
  `<crs:resourceContext root="2.16.840.1.113883.2.1.4.1" extension="${nhsNumber}"/>` +
  codes
    .map(
      (c) =>
        `<crs:accessControlAssertion><crs:permission>${permission}</crs:permission><crs:userData/><crs:resource><crs:type>SCR</crs:type><crs:Id>${nhsNumber}</crs:Id></crs:resource>` +
        `<crs:function><crs:context>Consent</crs:context><crs:code>${c}</crs:code></crs:function>` +
        `<crs:accessor><crs:type>Everyone</crs:type><crs:accessorId><crs:name>Everyone</crs:name></crs:accessorId></crs:accessor></crs:accessControlAssertion>`,
    )
    .join('') +
  `</crs:permissions></crs:setResourcePermissionsRequest>`;

export const traceQuery = (c: {
  family: string;
  gender: string;
  birth?: string;
  low?: string;
  high?: string;
  given?: string;
  postcode?: string;
}): string =>
  `<query><person.administrativeGenderCode><semanticsText>Person.administrativeGenderCode</semanticsText><value code="${c.gender}"/></person.administrativeGenderCode>` +
  `<person.birthTime><semanticsText>Person.birthTime</semanticsText><value${c.birth ? ` value="${c.birth}"/>` : `><low value="${c.low}"/><high value="${c.high}"/></value>`}</person.birthTime>` +
  `<person.name><semanticsText>Person.name</semanticsText><value use="L">${c.given ? `<given>${c.given}</given>` : ''}<family>${c.family}</family></value></person.name>` +
  (c.postcode
    ? `<person.address><semanticsText>Person.address</semanticsText><value><postalCode>${c.postcode}</postalCode></value></person.address>`
    : '') +
  `</query>`;

export const advancedTraceQuery = (c: {
  family: string;
  gender: string;
  low: string;
  high: string;
}): string =>
  `<query><historicDataIndicator><value code="0" codeSystem="2.16.840.1.113883.2.1.3.2.4.17.36"/><semanticsText>historicDataIndicator</semanticsText></historicDataIndicator>` +
  `<person.administrativeGenderCode><value code="${c.gender}"/><semanticsText>Person.administrativeGenderCode</semanticsText></person.administrativeGenderCode>` +
  `<person.birthTime><value><low value="${c.low}"/><high value="${c.high}"/></value><semanticsText>Person.birthTime</semanticsText></person.birthTime>` +
  `<person.name><value use="L"><family>${c.family}</family></value><semanticsText>Person.name</semanticsText></person.name>` +
  `<searchParameter><value code="1" codeSystem="2.16.840.1.113883.2.1.3.2.4.17.39"/><semanticsText>searchParameter</semanticsText></searchParameter></query>`;

/** A minimal valid GPSummary upload payload subject. */
export function gpSummarySubject(
  nhsNumber: string,
  documentId: string,
  replaces?: string,
  presentation = 'New summary',
): string {
  return (
    `<subject typeCode="SUBJ" contextConductionInd="false"><GPSummary classCode="COMPOSITION" moodCode="EVN"><id root="${documentId}"/>` +
    `<code code="196981000000101" codeSystem="2.16.840.1.113883.2.1.3.2.4.15" displayName="General Practice Summary"/>` +
    `<effectiveTime value="20260301101500"/><statusCode code="active"/>` +
    `<author typeCode="AUT" contextControlCode="OP"><time value="20260301101500"/><UKCT_MT160018UK01.AgentPersonSDS classCode="AGNT">` +
    `<id root="1.2.826.0.1285.0.2.0.67" extension="555254242102"/><agentPersonSDS classCode="PSN" determinerCode="INSTANCE">` +
    `<id root="1.2.826.0.1285.0.2.0.65" extension="555254240100"/><name>Dr Test Author</name></agentPersonSDS></UKCT_MT160018UK01.AgentPersonSDS></author>` +
    `<excerptFrom typeCode="XCRPT"><UKCT_MT144051UK01.CareProfessionalDocumentationCRE classCode="CATEGORY" moodCode="EVN"><code code="163171000000105"/>` +
    `<component><presentationText classCode="OBS" moodCode="EVN"><value mediaType="text/plain"><html xmlns="xhtml:NPfIT:PresentationText"><body><h2 id="Title">General Practice Summary</h2><p>${presentation}</p></body></html></value></presentationText></component>` +
    `</UKCT_MT144051UK01.CareProfessionalDocumentationCRE></excerptFrom>` +
    `<recordTarget typeCode="RCT"><patient classCode="PAT"><id root="2.16.840.1.113883.2.1.4.1" extension="${nhsNumber}"/></patient></recordTarget>` +
    (replaces
      ? `<replacementOf typeCode="RPLC"><priorMessageRef classCode="COMPOSITION" moodCode="EVN"><id root="${replaces}"/></priorMessageRef></replacementOf>`
      : '') +
    `</GPSummary></subject>`
  );
}

/** The HL7 payload part of a façade 200 / inbound ebXML message. */
export function hl7Part(multipart: string): string {
  const parts = multipart.split('----=_MIME-Boundary');
  const part = parts[2] ?? '';
  return part.slice(part.search(/\r?\n\r?\n/)).trim();
}
