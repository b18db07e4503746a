// PSIS document lists (spine-hl7v3.md section 7): QUPC_IN160102UK05 / QUPC_IN160104UK05
// DocumentCollection metadata and the Spine-2 QUPC_IN200000SM04 event list.
import { isoDateTime } from './dates';
import type { DocumentRef, DocumentStatus } from './types';
import { attr, child, elements, find, path, textOf, type XmlElement } from './xml';

/** PSISDataStatus (17.59): 1 Normal, 2 Withdrawn, 3 Replaced (spec 7.1). */
function statusOf(code: string | null): DocumentStatus {
  return code === '1' ? 'normal' : code === '2' ? 'withdrawn' : code === '3' ? 'replaced' : 'unknown';
}

export function personName(name: XmlElement | null): string | null {
  if (!name) return null;
  if (elements(name).length === 0) return textOf(name);
  const parts = [
    ...elements(name, 'prefix'),
    ...elements(name, 'given'),
    ...elements(name, 'family'),
    ...elements(name, 'suffix'),
  ]
    .map((part) => textOf(part))
    .filter((part): part is string => part !== null);
  return parts.length > 0 ? parts.join(' ') : null;
}

function fromMetaData(meta: XmlElement): DocumentRef | null {
  const id = attr(child(meta, 'id'), 'root');
  if (!id) return null;
  const statusCode = attr(path(meta, 'component1/documentState/value'), 'code');
  const documentMeta = path(meta, 'component3/documentMetaData');
  const size = attr(path(meta, 'component14/estDocSize/value'), 'value');
  return {
    id,
    status: statusOf(statusCode),
    statusCode,
    date: isoDateTime(
      attr(child(meta, 'availabilityTime'), 'value') ??
        attr(child(meta, 'effectiveTime'), 'value') ??
        attr(child(documentMeta, 'effectiveTime'), 'value'),
    ),
    typeCode: attr(child(documentMeta, 'code'), 'code'),
    title: textOf(child(documentMeta, 'title')),
    authorName: personName(path(documentMeta, 'author2/documentAuthor/agentPlayingAuthor/name')),
    messageType: attr(child(meta, 'messageType'), 'extension'),
    estimatedSize: size !== null && /^\d+$/.test(size) ? Number(size) : null,
  };
}

function fromEvent(event: XmlElement): DocumentRef | null {
  const id = attr(child(event, 'eventID'), 'root');
  if (!id) return null;
  const statusCode = attr(child(event, 'eventStatus'), 'code');
  const type = child(event, 'eventType');
  return {
    id,
    status: statusOf(statusCode),
    statusCode,
    date: isoDateTime(attr(child(event, 'persistenceDate'), 'value')),
    typeCode: attr(type, 'code'),
    title: attr(type, 'displayName'),
    authorName: personName(find(child(event, 'author'), 'name')),
    messageType: attr(child(event, 'payloadID'), 'extension'),
    estimatedSize: null,
  };
}

/** Documents listed in a PSIS reply: pSISDocMetaData (Spine 1 style) or psis:event (Spine 2). */
export function readDocuments(
  metaData: readonly XmlElement[],
  eventLists: readonly XmlElement[],
): DocumentRef[] {
  const out: DocumentRef[] = [];
  for (const meta of metaData) {
    const ref = fromMetaData(meta);
    if (ref) out.push(ref);
  }
  for (const list of eventLists) {
    for (const event of elements(list, 'event')) {
      const ref = fromEvent(event);
      if (ref) out.push(ref);
    }
  }
  return out;
}
