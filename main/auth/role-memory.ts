// Remembers the role profile each user last chose on this workstation (issue 5), so the role
// picker offers it first. A small JSON file in the data folder; holds ids only, no names.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface RoleMemory {
  recall(userUuid: string): Promise<string | null>;
  remember(userUuid: string, roleProfileId: string): Promise<void>;
}

const maxEntries = 500;

export function createRoleMemory(dataDir: string, workstation: string): RoleMemory {
  const file = join(dataDir, 'auth', 'last-roles.json');
  const key = (userUuid: string) => `${workstation}|${userUuid}`;

  const load = async (): Promise<Record<string, string>> => {
    try {
      const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') out[k] = v;
      return out;
    } catch {
      // Missing or unreadable: nothing remembered, which only costs the user one click.
      return {};
    }
  };

  return {
    recall: async (userUuid) => (await load())[key(userUuid)] ?? null,
    remember: async (userUuid, roleProfileId) => {
      const all = await load();
      delete all[key(userUuid)];
      all[key(userUuid)] = roleProfileId;
      // Bounded: keep the most recent entries only.
      const entries = Object.entries(all).slice(-maxEntries);
      await mkdir(dirname(file), { recursive: true });
      const temp = `${file}.${process.pid}.tmp`;
      await writeFile(temp, JSON.stringify(Object.fromEntries(entries)), { mode: 0o600 });
      await rename(temp, file);
    },
  };
}
