// Sticky offsets that follow the real header heights (issue 13): the patient banner sticks just
// below whatever is sticky above it (the training marker), at any zoom or wrap, and the page's
// scroll-padding keeps a heading scrolled into view (error links, focus moves) below all of them.
// Measured, not guessed: CSS reads --app-sticky-top and --app-scroll-padding.
import { useEffect } from 'react';

/** Sticky elements above the patient banner, in page order. */
const above = ['.app-training-marker'];
const banner = '.app-banner';

function stickyHeight(selectors: readonly string[]): number {
  let total = 0;
  for (const selector of selectors) {
    for (const element of document.querySelectorAll<HTMLElement>(selector)) {
      if (getComputedStyle(element).position === 'sticky') total += element.getBoundingClientRect().height;
    }
  }
  return Math.ceil(total);
}

export function useStickyOffsets(): void {
  useEffect(() => {
    const root = document.documentElement;
    let frame = 0;
    const measure = () => {
      frame = 0;
      const top = stickyHeight(above);
      const all = top + stickyHeight([banner]);
      root.style.setProperty('--app-sticky-top', `${top}px`);
      root.style.setProperty('--app-scroll-padding', `${all + 8}px`);
    };
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(measure);
    };
    const sizes = new ResizeObserver(schedule);
    const watch = () => {
      sizes.disconnect();
      for (const element of document.querySelectorAll<HTMLElement>([...above, banner].join(',')))
        sizes.observe(element);
    };
    // Banners come and go with the screen: observe whichever are on the page now.
    const tree = new MutationObserver(() => {
      watch();
      schedule();
    });
    tree.observe(document.body, { childList: true, subtree: true });
    window.addEventListener('resize', schedule);
    watch();
    schedule();
    return () => {
      tree.disconnect();
      sizes.disconnect();
      window.removeEventListener('resize', schedule);
      if (frame) cancelAnimationFrame(frame);
    };
  }, []);
}
