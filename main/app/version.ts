// The application version, injected at bundle time; the package version when run from source.
declare const __APP_VERSION__: string | undefined;
export const appVersion: string =
  typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : (process.env['npm_package_version'] ?? '0.1.0');
