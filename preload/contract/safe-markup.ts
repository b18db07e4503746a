// The elements and attributes the GP's presentation text may keep after sanitising (main/hl7) and
// that the renderer will draw. Zod-free, so the renderer can use the same lists to re-check what it
// draws. Every element here carries meaning a clinician needs (issue 11, HAZ-002/HAZ-003):
// sub/sup ("10<sup>9</sup>/L"), del/s (a stopped drug), pre (aligned columns), spans in tables.
/** Presentation XHTML after the allow-list: only these elements, only `safeAttributes`, no scripts. */
export const safeElements = [
  'p',
  'br',
  'hr',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ul',
  'ol',
  'li',
  'table',
  'caption',
  'colgroup',
  'col',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'th',
  'td',
  'strong',
  'em',
  'b',
  'i',
  'u',
  'sub',
  'sup',
  'del',
  's',
  'pre',
  'code',
  'span',
  'div',
] as const;

/** Attributes that survive: table structure and language only (no URLs, styles or handlers). */
export const safeAttributes = ['colspan', 'rowspan', 'scope', 'lang'] as const;

/** Largest row/column span kept (HTML's own limits are 1000 and 65534). */
export const MAX_SPAN = 1000;

/** Table-cell scopes. */
export const safeScopes = ['row', 'col', 'rowgroup', 'colgroup'] as const;
