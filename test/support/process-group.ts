// Stops a process started with `detached: true` together with everything it started (the
// launcher's host, sandbox and card processes): SIGTERM to its process group, then SIGKILL if
// the group has not gone within 5 s. Used by the end-to-end fixtures and the benchmarks.
import type { ChildProcess } from 'node:child_process';

export function stopGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (child.exitCode !== null || pid === undefined) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
      done();
    }, 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      done();
    }
  });
}
