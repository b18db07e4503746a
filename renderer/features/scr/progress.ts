// Knows when the record has finished drawing: parts of it draw in batches (presentation.tsx), and
// each batch still to come is counted here. When none is left, the "smsp:scr-complete" mark is
// set (the clinical benchmark reads it) and the record's element gets data-complete.

let pending = 0;
let idleTimer: ReturnType<typeof setTimeout> | null = null;

function settle(): void {
  if (idleTimer !== null) clearTimeout(idleTimer);
  // A macrotask later: a batch that ends often schedules the next one straight away.
  idleTimer = setTimeout(() => {
    idleTimer = null;
    if (pending > 0) return;
    performance.mark('smsp:scr-complete');
    document.querySelector('.app-scr')?.setAttribute('data-complete', 'true');
  }, 0);
}

/** Counts one batch still to draw; call the result once it is drawn (extra calls are ignored). */
export function trackRendering(): () => void {
  pending += 1;
  let done = false;
  return () => {
    if (done) return;
    done = true;
    pending -= 1;
    if (pending === 0) settle();
  };
}

/** Called when a record first renders: if nothing is pending, it is already complete. */
export function recordRendered(): void {
  document.querySelector('.app-scr')?.removeAttribute('data-complete');
  settle();
}
