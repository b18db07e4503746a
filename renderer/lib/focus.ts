// Focus and scroll follow the user (issue 13): each new screen opens at the top with keyboard and
// screen-reader focus on its main heading, so nobody is left at the old scroll position or on the
// page body. Headings are made programmatically focusable (tabindex -1), never Tab stops.
import { useEffect, useRef } from 'react';

/** Focuses an element that may not be focusable by itself (a heading, a status). */
export function focusElement(element: HTMLElement | null, scroll = false): boolean {
  if (!element) return false;
  if (!element.hasAttribute('tabindex')) element.setAttribute('tabindex', '-1');
  element.focus({ preventScroll: !scroll });
  if (scroll) element.scrollIntoView({ block: 'start' });
  return true;
}

/** Scrolls to the top and focuses the first h1 inside `#maincontent` (or the main element). */
export function focusMainHeading(): void {
  window.scrollTo(0, 0);
  const main = document.getElementById('maincontent');
  const heading = main?.querySelector<HTMLElement>('h1') ?? main;
  focusElement(heading ?? null);
}

/**
 * Calls focusMainHeading whenever `screen` changes (not on the first render unless `initial`):
 * after React has drawn the new screen, so its heading exists.
 */
export function useScreenFocus(screen: string, initial = false): void {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      if (!initial) return;
    }
    focusMainHeading();
  }, [screen, initial]);
}
