// Bidirectional formatting controls in text from Spine. Embeddings and overrides (U+202A–U+202E)
// and isolates (U+2066–U+2069) change the order in which the screen shows characters: an
// override (U+202E) makes "gm 05" display as "50 mg". Nothing a GP system sends needs them to be
// read correctly (the renderer isolates each value with dir="auto" / <bdi>, so genuinely
// right-to-left text still displays properly), so main removes them from every text and says so.

// Why the whole ranges: a partial list leaves a reordering control through (LRE, RLE, PDF, LRO,
// RLO; LRI, RLI, FSI, PDI). LRM/RLM/ALM are marks, not controls: they cannot reorder neighbours.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;
const HAS_BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;

/** True when the text carries a bidi embedding, override or isolate control. */
export function hasBidiControls(text: string): boolean {
  return HAS_BIDI_CONTROL.test(text);
}

/** The text without bidi embedding, override and isolate controls. */
export function stripBidiControls(text: string): string {
  return HAS_BIDI_CONTROL.test(text) ? text.replace(BIDI_CONTROLS, '') : text;
}
