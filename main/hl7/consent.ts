// ACS permissions (spine-hl7v3.md section 9) to ConsentState: GET_RESOURCE_PERMISSIONS_RESPONSE,
// the permissions block of the Spine-2 event list, and set requests. Absent assertion = Ask.
import type { AcsPermission } from './types';
import type { XmlElement } from './xml';

export function readPermissions(_root: XmlElement): AcsPermission[] {
  return [];
}
