// app.info: what the first screen shows before sign-in.
import { defineHandler } from '../handler';
import { misuseWarning } from '../../app/misuse-warning';

export const appInfo = defineHandler({
  operation: 'app.info',
  feature: null,
  handle: (_input, { services }) => ({
    name: services.identity.name,
    version: services.identity.version,
    environment: services.config.environment,
    host: services.identity.host,
    workstation: services.identity.workstation,
    misuseWarning,
  }),
});
