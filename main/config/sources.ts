// Where the configuration may come from (issue 12 finding 1). An installed (packaged) app has one
// source of authority: the administrator's file at its fixed path. The environment variables that
// point elsewhere are for development runs from source; an installed app ignores them, whatever
// they say, and says so. Each ignored or applied override becomes a ConfigNotice that the host
// reports once and audits.
import { existsSync } from 'node:fs';
import {
  ConfigError,
  defaultAdminFile,
  defaultUserFile,
  readConfig,
  type ConfigNotice,
  type ConfigSources,
  type LoadedConfig,
} from './load';

/** The variables a development run may use to point at other configuration. */
export const configVariables = {
  adminFile: 'SMSP_ADMIN_CONFIG',
  userFile: 'SMSP_USER_CONFIG',
  overrides: 'SMSP_CONFIG_OVERRIDES',
} as const;

export interface SourceChoice {
  /** Electron's `app.isPackaged`: true for an installed application. */
  readonly packaged: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The administrator's fixed path (default: defaultAdminFile()). */
  readonly adminFile?: string;
  /** The user's own file (default: defaultUserFile()). */
  readonly userFile?: string;
  /** A development host's own overrides (the test host's --config FILE); never used when packaged. */
  readonly overrides?: Record<string, unknown>;
}

function parseOverrides(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${configVariables.overrides} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ConfigError(`${configVariables.overrides} must hold a JSON object`);
  return value as Record<string, unknown>;
}

/** Decides which files and overrides are read, and what is said about the variables that are set. */
export function chooseConfigSources(choice: SourceChoice): {
  sources: ConfigSources;
  notices: ConfigNotice[];
} {
  const adminFile = choice.adminFile ?? defaultAdminFile();
  const userFile = choice.userFile ?? defaultUserFile();
  const set = Object.values(configVariables).filter((name) => (choice.env[name] ?? '') !== '');
  if (choice.packaged) {
    // Why: a user can set any variable for their own session. In an installed app honouring one
    // would let them replace the identity service (and so grant themselves roles), the module
    // allow-list, the card-removal policy or the audit folder.
    return {
      sources: { adminFile, userFile },
      notices: set.map((name) => ({
        kind: 'ignored',
        source: name,
        message: `${name} is set but was ignored: this workstation's policy comes only from ${adminFile}`,
      })),
    };
  }
  const overrides = choice.env[configVariables.overrides];
  return {
    sources: {
      adminFile: choice.env[configVariables.adminFile] || adminFile,
      userFile: choice.env[configVariables.userFile] || userFile,
      overrides: choice.overrides ?? (overrides ? parseOverrides(overrides) : undefined),
    },
    notices: set.map((name) => ({
      kind: 'applied',
      source: name,
      message: `development run (not installed): configuration taken from ${name}; an installed app ignores it`,
    })),
  };
}

/** chooseConfigSources then readConfig: the configuration and every notice, in one list. */
export function loadHostConfig(choice: SourceChoice): LoadedConfig {
  const chosen = chooseConfigSources(choice);
  const loaded = readConfig(chosen.sources);
  return { config: loaded.config, notices: [...chosen.notices, ...loaded.notices] };
}

/**
 * The administrator's configuration for command-line tools (`smsp audit …`), which cannot tell
 * whether they were installed. Where the administrator's fixed file exists (a managed
 * workstation) it is the authority and SMSP_ADMIN_CONFIG is ignored, so the variable cannot
 * bend a live configuration; elsewhere (a developer's checkout, CI) the variable may name one.
 */
export function loadToolConfig(
  env: Readonly<Record<string, string | undefined>>,
  adminFile: string = defaultAdminFile(),
): LoadedConfig {
  return loadHostConfig({
    packaged: existsSync(adminFile),
    env: { [configVariables.adminFile]: env[configVariables.adminFile] },
    adminFile,
    userFile: '',
  });
}
