// Test helpers for the sandbox: a Node https client holding the sandbox's client identity, and
// builders for requests shaped as spine-hl7v3.md describes (sync SOAP 3.2, ebXML 4.1/4.2), so
// each test can break exactly one rule.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { SandboxHandle } from '../../spine-sandbox/index';

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
