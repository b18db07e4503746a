// Loads the copied Spine fixtures (test/fixtures/spine, see test/fixtures/PROVENANCE.md) and fills
// template placeholders with plausible values so templates parse like real messages.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/spine');

export const FILLED = {
  uuid: '5A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D',
  timestamp: '20260105103000',
  asid: '200000000117',
  nhsNumber: '9449310742',
  partyKey: 'X26-820706',
} as const;

/** Every copied fixture, as a path relative to test/fixtures/spine. */
export function listFixtures(): string[] {
  const out: string[] = [];
  for (const dir of readdirSync(FIXTURE_ROOT, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const file of readdirSync(join(FIXTURE_ROOT, dir.name))) out.push(`${dir.name}/${file}`);
  }
  return out.sort();
}

export function readFixture(relative: string): string {
  return readFileSync(join(FIXTURE_ROOT, relative), 'utf8');
}

function valueFor(name: string): string {
  const key = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  // MTH error templates (spec 5.3): a PSIS 400 Invalid Request; SOAP fault template: TMS 200.
  if (key.includes('errorvaluecodesystem')) return '2.16.840.1.113883.2.1.3.2.4.17.33';
  if (key.includes('errorvaluecode')) return '400';
  if (key.includes('errorvaluedisplay')) return 'Invalid Request';
  if (key.includes('soaperrorerrorcode')) return '200';
  if (key.includes('soaperrorfaultcode')) return 'SOAP:Server';
  if (key.includes('soaperrorseverity')) return 'Error';
  if (key.includes('soaperrorcodecontext')) return 'urn:nhs:names:error:tms';
  if (key.includes('soaperrordescription')) return 'System failure to process message - default';
  if (key.includes('encoding')) return '8bit';
  if (key.includes('hl7message')) return '<QUPC_IN160101UK05 xmlns="urn:hl7-org:v3"/>';
  if (key.includes('nhs')) return FILLED.nhsNumber;
  if (key.includes('asid')) return FILLED.asid;
  if (key.includes('party')) return FILLED.partyKey;
  if (key.includes('time') || key.includes('date')) return FILLED.timestamp;
  if (key.includes('uuid') || key.includes('guid') || key.endsWith('id') || key.includes('messageid'))
    return FILLED.uuid;
  if (key.includes('url') || key.includes('address') || key.includes('host'))
    return 'https://127.0.0.1/sync-service';
  if (key.includes('port')) return '443';
  return 'X';
}

/**
 * Fills `{{x}}`, `{{{x}}}`, `${X}` and `__X__` placeholders; drops mustache section tags
 * (`{{#x}}`, `{{/x}}`, `{{^x}}`). `{{ebxml}}` in a `.msg` file becomes its sibling `.ebxml` part.
 */
export function fillTemplate(text: string, relative: string): string {
  let out = text;
  if (out.includes('{{ebxml}}') && relative.endsWith('.msg')) {
    const sibling = relative.replace(/\.msg$/, '.ebxml');
    out = out.replace('{{ebxml}}', () => fillTemplate(readFixture(sibling), sibling));
  }
  // Mustache partials: `{{> Name }}` is the sibling `…__Name.mustache` in the same folder.
  out = out.replace(/\{\{>\s*([A-Za-z0-9_]+)\s*\}\}/g, (_m, name: string) => {
    const partial = relative.replace(/__[^_/]+\.mustache$/, `__${name}.mustache`);
    return fillTemplate(readFixture(partial), partial);
  });
  out = out.replace(/\{\{[#/^!][^}]*\}\}/g, '');
  out = out.replace(/\{\{\{\s*([^}]+?)\s*\}\}\}/g, (_m, name: string) => valueFor(name));
  out = out.replace(/\{\{\s*([^}]+?)\s*\}\}/g, (_m, name: string) => valueFor(name));
  out = out.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_m, name: string) => valueFor(name));
  out = out.replace(/__([A-Z][A-Z0-9_]*[A-Z0-9])__/g, (_m, name: string) => valueFor(name));
  return out;
}

export function loadFixture(relative: string): string {
  return fillTemplate(readFixture(relative), relative);
}
