// Chooses the identity provider from configuration (config.identity): CIS challenge/response by
// default, CIS2 OIDC when the administrator says so (product.md 9).
import type { IdentityConfig } from '../config/schema';
import { createCisProvider } from './cis-provider';
import { createCis2Provider } from './cis2-provider';
import { IdentityError, type IdentityProvider } from './identity-provider';

function unconfigured(): IdentityProvider {
  const missing = async (): Promise<never> => {
    throw new IdentityError(
      'IDENTITY_SERVICE_ERROR',
      'no identity service is configured (identity.url, and identity.cis2 for CIS2)',
    );
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
  if (config.provider === 'cis2') {
    const cis2 = config.cis2;
    if (!cis2) {
      const missing = unconfigured();
      return { ...missing, kind: 'cis2' };
    }
    return createCis2Provider({
      issuer: cis2.issuer ?? `${config.url.replace(/\/+$/, '')}/oidc`,
      clientId: cis2.clientId,
      privateKeyFile: cis2.privateKeyFile,
      keyId: cis2.keyId,
      redirectUri: cis2.redirectUri,
      acrValues: cis2.acrValues,
      ...tls,
    });
  }
  return createCisProvider({ url: config.url, ...tls });
}
