// Which environment variables each PKCS#11 module may be given (issue 12 finding 6). The process
// that loads a module also handles the PIN, so nothing in its environment may change what code it
// runs: OPENSSL_CONF can load an engine (a shared library) into OpenSSL, OPENSC_CONF can load card
// drivers, LD_PRELOAD and NODE_OPTIONS load anything. Only variables named here for the module in
// use reach it; anything else in `smartcard.env` is refused at configuration load, naming the key.
// Pure (no pkcs11js): main/config/schema.ts checks the configuration with it.
import { basename } from 'node:path';

interface ModuleEnvRule {
  /** The module's file name (the configured path's, and again the real path's when it loads). */
  readonly module: RegExp;
  readonly variables: readonly string[];
}

const rules: readonly ModuleEnvRule[] = [
  // SoftHSM2 (the training cards): its configuration file names a token folder, an object-store
  // backend and a log level — never a library.
  { module: /softhsm2?\.(so|dll|dylib)$/i, variables: ['SOFTHSM2_CONF'] },
  // OpenSC over PC/SC: the socket of a private pcscd (test/smartcard); a path, not code.
  { module: /opensc-pkcs11\.(so|dll|dylib)$/i, variables: ['PCSCLITE_CSOCK_NAME'] },
];

/** The variables `module` may be given; none for a module that is not named here. */
export function moduleEnvAllowList(module: string | undefined): readonly string[] {
  if (!module) return [];
  const name = basename(module.replace(/\\/g, '/'));
  return rules.find((rule) => rule.module.test(name))?.variables ?? [];
}

/** Every variable any module may be given: the most a PKCS#11 process can receive from `env`. */
export const moduleEnvVariables: readonly string[] = [...new Set(rules.flatMap((rule) => rule.variables))];

/** The keys of `env` that `module` may not be given. */
export function refusedModuleEnv(
  module: string | undefined,
  env: Readonly<Record<string, string>>,
): string[] {
  const allowed = moduleEnvAllowList(module);
  return Object.keys(env).filter((key) => !allowed.includes(key));
}

/** One sentence for a refused key, naming the module and what it may be given. */
export function moduleEnvRefusal(module: string | undefined): string {
  const allowed = moduleEnvAllowList(module);
  const name = module ? basename(module.replace(/\\/g, '/')) : 'no module';
  return allowed.length > 0
    ? `is not passed to the PKCS#11 module ${name}: only ${allowed.join(', ')} may be set for it`
    : `is not passed to the PKCS#11 module ${name}: no environment variable may be set for it`;
}
