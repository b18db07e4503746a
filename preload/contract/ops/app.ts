// app.*: what the first screen needs before anyone signs in.
import { z } from 'zod';
import { defineOperation } from '../operation';

export const Environment = z.enum(['training', 'path-to-live', 'live']);
export type Environment = z.infer<typeof Environment>;

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  environment: Environment,
  /** Which host carries the contract: the Electron shell, or the loopback test host. */
  host: z.enum(['electron', 'test-host']),
  workstation: z.string(),
  /** MSCA-IG-03: shown at start-up, before sign-in. */
  misuseWarning: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const appOperations = {
  'app.info': defineOperation({
    summary: 'Name, version, environment and the computer-misuse warning.',
    input: z.object({}).strict(),
    output: AppInfo,
  }),
} as const;
