// A real, throw-away PostgreSQL cluster for tests and benchmarks (issue 16): Debian's `postgresql`
// binaries, initdb into a temporary folder, run as its own non-root user (`postgres` when we are
// root; the current user otherwise), listening on a Unix socket in that folder only (no TCP),
// password authentication (SCRAM), and stopped and removed by `stop()`. No mocks.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface PostgresCluster {
  /** `postgresql://estate:…@/estate?host=<socket folder>`: a password URL over the Unix socket. */
  readonly url: string;
  readonly dir: string;
  /** A fresh empty database on the same cluster, for a test that needs its own. */
  createDatabase(name: string): string;
  stop(): void;
}

/** Debian installs the server under /usr/lib/postgresql/<major>/bin, not on PATH. */
export function postgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const majors = readdirSync(root)
    .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return majors[0] ? join(root, majors[0], 'bin') : null;
}

interface Runner {
  (file: string, args: string[]): string;
}

/** Runs a server binary as the cluster's own user: initdb and postgres refuse to run as root. */
function runnerFor(uid: number): Runner {
  return (file, args) => {
    const command = uid === 0 ? 'runuser' : file;
    const argv = uid === 0 ? ['-u', 'postgres', '--', file, ...args] : args;
    return execFileSync(command, argv, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120_000,
    });
  };
}

export interface StartOptions {
  /** Tests turn fsync off (the data is thrown away); the benchmark keeps PostgreSQL's defaults. */
  readonly durable?: boolean;
  readonly sharedBuffers?: string;
}

export function startPostgres(options: StartOptions = {}): PostgresCluster {
  const bin = postgresBin();
  if (!bin)
    throw new Error('PostgreSQL server binaries not found: install Debian package postgresql (.ci/install)');
  const uid = userInfo().uid;
  const run = runnerFor(uid);
  const dir = mkdtempSync(join(tmpdir(), 'smsp-pg-'));
  const data = join(dir, 'data');
  const password = randomBytes(18).toString('base64url');
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (uid === 0) {
    const pg = execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim();
    const gid = execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim();
    chownSync(dir, Number(pg), Number(gid));
    chownSync(pwfile, Number(pg), Number(gid));
  }
  chmodSync(dir, 0o700);
  run(join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'estate',
    `--pwfile=${pwfile}`,
    '--auth=scram-sha-256',
    '--encoding=UTF8',
    '--locale=C',
    '-N',
  ]);
  rmSync(pwfile, { force: true });
  const settings = [
    // Why: never reachable from the network; the socket lives in our own 0700 folder.
    "listen_addresses = ''",
    `unix_socket_directories = '${dir}'`,
    `shared_buffers = ${options.sharedBuffers ?? '128MB'}`,
    'max_connections = 40',
    'max_wal_size = 2GB',
    ...(options.durable ? [] : ['fsync = off', 'synchronous_commit = off', 'full_page_writes = off']),
  ];
  writeFileSync(join(data, 'postgresql.auto.conf'), `${settings.join('\n')}\n`, { flag: 'a' });
  run(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  const urlFor = (db: string) =>
    `postgresql://estate:${encodeURIComponent(password)}@/${db}?host=${encodeURIComponent(dir)}`;
  const psql = (sql: string) => {
    const result = spawnSync(
      uid === 0 ? 'runuser' : join(bin, 'psql'),
      [
        ...(uid === 0 ? ['-u', 'postgres', '--', join(bin, 'psql')] : []),
        '-h',
        dir,
        '-U',
        'estate',
        '-d',
        'postgres',
        '-v',
        'ON_ERROR_STOP=1',
        '-c',
        sql,
      ],
      { encoding: 'utf8', env: { ...process.env, PGPASSWORD: password }, timeout: 60_000 },
    );
    if (result.status !== 0) throw new Error(`psql: ${result.stderr}`);
  };
  psql('CREATE DATABASE estate');
  let stopped = false;
  return {
    url: urlFor('estate'),
    dir,
    createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
      psql(`CREATE DATABASE ${name}`);
      return urlFor(name);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
