// Chooses the identity provider from configuration (config.identity): CIS challenge/response by
// default, CIS2 OIDC when the administrator says so (product.md 9).
import type { IdentityConfig } from '../config/schema';
import { createCisProvider } from './cis-provider';
import { IdentityError, type IdentityProvider } from './identity-provider';

function unconfigured(): IdentityProvider {
  const missing = async (): Promise<never> => {
    throw new IdentityError('IDENTITY_SERVICE_ERROR', 'no identity service is configured (identity.url)');
  };
  return {
    kind: 'cis',
    authenticate: missing,
    selectRole: missing,
    logout: async () => undefined,
    close: async () => undefined,
  };
}

export function createIdentityProvider(config: IdentityConfig): IdentityProvider {
  if (!config.url) return unconfigured();
  const tls = {
    ...(config.caFile ? { caFile: config.caFile } : {}),
    ...(config.clientCertFile ? { clientCertFile: config.clientCertFile } : {}),
    ...(config.clientKeyFile ? { clientKeyFile: config.clientKeyFile } : {}),
  };
  return createCisProvider({ url: config.url, ...tls });
}
