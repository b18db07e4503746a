// Every text from Spine passes through here on its way to the contract (issue 11, HAZ-004): bidi
// embedding, override and isolate controls are removed, and the caller learns that they were, so
// the entry can carry the visible note "Text direction marks were removed from this entry".
import { hasBidiControls, stripBidiControls } from '../hl7/index';

export interface TextCleaner {
  /** The text without bidi controls; remembers that something was removed. */
  clean(text: string): string;
  cleanOrNull(text: string | null): string | null;
  /** True once any text passed to `clean` had a bidi control. */
  readonly removed: boolean;
}

export function textCleaner(): TextCleaner {
  let removed = false;
  const clean = (text: string): string => {
    if (!hasBidiControls(text)) return text;
    removed = true;
    return stripBidiControls(text);
  };
  return {
    clean,
    cleanOrNull: (text) => (text === null ? null : clean(text)),
    get removed() {
      return removed;
    },
  };
}
