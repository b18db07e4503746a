// The elements the GP's presentation text may keep after sanitising (main/hl7) and that the
// renderer will draw. Zod-free, so the renderer can use the same list to re-check what it draws.
/** Presentation XHTML after the allow-list: only these elements, no attributes, no scripts. */
export const safeElements = [
  'p',
  'br',
  'h1',
  'h2',
  'h3',
  'h4',
  'ul',
  'ol',
  'li',
  'table',
  'caption',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'strong',
  'em',
  'b',
  'i',
  'u',
  'span',
  'div',
] as const;
