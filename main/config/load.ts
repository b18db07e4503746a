// Loads the machine-wide admin file and the per-user overrides, merges them and validates.
// The admin file is authoritative; a user file may only set `userChangeableKeys` (other keys are
// ignored and reported). Which files are read is decided in sources.ts.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import { AppConfig, userChangeableKeys } from './schema';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Something configuration asked for that was not taken (`ignored`), or taken only because this is a
 * development run (`applied`). Each is reported once at start-up and audited (issue 12 finding 1).
 */
export interface ConfigNotice {
  readonly kind: 'ignored' | 'applied';
  /** What asked: an environment variable (`SMSP_ADMIN_CONFIG`) or a key of the user's file (`user.json: policies`). */
  readonly source: string;
  /** One sentence a person can act on. */
  readonly message: string;
}

export interface ConfigSources {
  readonly adminFile?: string | undefined;
  readonly userFile?: string | undefined;
  /** Values applied over the files, e.g. from the command line of the test host. */
  readonly overrides?: Record<string, unknown> | undefined;
}

export function defaultAdminFile(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32')
    return join(process.env['ProgramData'] ?? 'C:\\ProgramData', 'SCR Desktop', 'config.json');
  if (platform === 'darwin') return '/Library/Application Support/SCR Desktop/config.json';
  return '/etc/scr-desktop/config.json';
}

export function defaultUserFile(): string {
  return join(process.env['XDG_CONFIG_HOME'] ?? join(homedir(), '.config'), 'scr-desktop', 'user.json');
}

function readJsonObject(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read configuration file ${file}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`Configuration file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`Configuration file ${file} must hold a JSON object`);
  }
  return value as Record<string, unknown>;
}

function valueAt(source: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = source;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** Turns a zod failure into one sentence naming the key and the value found. */
export function describeIssue(issue: z.core.$ZodIssue, input: unknown, origin: string): string {
  const key = issue.path.map(String).join('.') || '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const prefix = issue.path.length ? `${key}.` : '';
    return `Invalid configuration in ${origin}: unknown key "${prefix}${issue.keys.join(`", "${prefix}`)}"`;
  }
  const found = JSON.stringify(valueAt(input, issue.path));
  return `Invalid configuration in ${origin}: "${key}" is ${found ?? 'missing'} — ${issue.message}`;
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prior = out[key];
    out[key] =
      typeof prior === 'object' &&
      prior !== null &&
      !Array.isArray(prior) &&
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value)
        ? merge(prior as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}

/** The validated configuration and every override that was ignored or applied on the way. */
export interface LoadedConfig {
  readonly config: AppConfig;
  readonly notices: readonly ConfigNotice[];
}

export function readConfig(sources: ConfigSources = {}): LoadedConfig {
  const admin = sources.adminFile && existsSync(sources.adminFile) ? readJsonObject(sources.adminFile) : {};
  const userFile = sources.userFile && existsSync(sources.userFile) ? readJsonObject(sources.userFile) : {};
  // Why: the user's own file may change preferences only. Anything else is the administrator's
  // policy; it is left out (not applied) and reported, rather than stopping a clinician's start-up.
  const user: Record<string, unknown> = {};
  const notices: ConfigNotice[] = [];
  for (const [key, value] of Object.entries(userFile)) {
    if ((userChangeableKeys as readonly string[]).includes(key)) user[key] = value;
    else
      notices.push({
        kind: 'ignored',
        source: `${sources.userFile}: ${key}`,
        message: `"${key}" in ${sources.userFile} was ignored: only the administrator can set it (a user's file may set ${userChangeableKeys.join(', ')})`,
      });
  }
  const merged = merge(merge(admin, user), sources.overrides ?? {});
  const result = AppConfig.safeParse(merged);
  if (!result.success) {
    const origin = [sources.adminFile, sources.userFile].filter(Boolean).join(' + ') || 'defaults';
    throw new ConfigError(
      result.error.issues.map((issue) => describeIssue(issue, merged, origin)).join('; '),
    );
  }
  return { config: result.data, notices };
}

export function loadConfig(sources: ConfigSources = {}): AppConfig {
  return readConfig(sources).config;
}
