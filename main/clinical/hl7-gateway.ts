// The ClinicalGateway over the real Spine client: main/hl7 builds each request and parses each
// reply; main/spine carries it. Until the HL7 library's builders land (issue 3), every call
// reports Spine as unavailable — the screens then say so rather than show anything half-made.
import type { AppConfig } from '../config/schema';
import type { Logger } from '../log/logger';
import type { SpineClient } from '../spine/client';
import { AppError } from '../api/app-error';
import type { ClinicalGateway } from './gateway';

export interface Hl7GatewayOptions {
  readonly spine: SpineClient;
  readonly config: AppConfig;
  readonly log: Logger;
}

const unavailable = async (): Promise<never> => {
  throw new AppError(
    'SPINE_UNAVAILABLE',
    'Spine is not available from this workstation yet. Try again later; if it keeps happening, contact your IT service desk.',
  );
};

export function createHl7Gateway(options: Hl7GatewayOptions): ClinicalGateway {
  return {
    retrieve: unavailable,
    trace: unavailable,
    consent: unavailable,
    setConsent: unavailable,
    latestGpSummary: unavailable,
    selfClaimRelationship: unavailable,
    validateGpSummary: () => [],
    uploadGpSummary: unavailable,
    outbox: () => options.spine.outbox(),
  };
}
