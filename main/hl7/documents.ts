// PSIS document lists (spine-hl7v3.md section 7): QUPC_IN160102UK05 / QUPC_IN160104UK05
// DocumentCollection metadata and the Spine-2 QUPC_IN200000SM04 event list.
import type { DocumentRef } from './types';
import type { XmlElement } from './xml';

export function readDocuments(_root: XmlElement): DocumentRef[] {
  return [];
}
