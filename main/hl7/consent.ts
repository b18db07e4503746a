// ACS permissions (spine-hl7v3.md section 9) read from GET_RESOURCE_PERMISSIONS_RESPONSE, the
// permissions block of the Spine-2 event list, and set requests. Mapping to ConsentState (absent
// assertion = Ask) is in mappers.ts.
import type { AcsPermission } from './types';
import { child, path, textOf, type XmlElement } from './xml';

export function readPermissions(assertions: readonly XmlElement[]): AcsPermission[] {
  const out: AcsPermission[] = [];
  for (const assertion of assertions) {
    const permission = textOf(child(assertion, 'permission'));
    if (!permission) continue;
    out.push({
      context: textOf(path(assertion, 'function/context')),
      code: textOf(path(assertion, 'function/code')),
      permission,
      resourceType: textOf(path(assertion, 'resource/type')),
      resourceId: textOf(path(assertion, 'resource/Id')),
      accessorType: textOf(path(assertion, 'accessor/type')),
      accessorName: textOf(path(assertion, 'accessor/accessorId/name')),
    });
  }
  return out;
}
