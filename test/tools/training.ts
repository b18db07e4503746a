// Everything training mode needs that is never packaged: the Spine sandbox (in this process) and
// the virtual smartcards. Returns the configuration values that point the app at them.
export interface TrainingSetup {
  /** Configuration values laid over the admin and user files. */
  readonly config: Record<string, unknown>;
  /** Environment for the host process (e.g. SOFTHSM2_CONF for the virtual cards). */
  readonly env: Record<string, string>;
  readonly sandboxUrl: string | null;
  close(): Promise<void>;
}

export async function prepareTraining(
  _dataDir: string,
  _say: (line: string) => void,
): Promise<TrainingSetup> {
  return { config: { environment: 'training' }, env: {}, sandboxUrl: null, close: async () => undefined };
}
