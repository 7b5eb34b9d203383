import { certificateScenarios } from './certificates';
import { compareScenarios } from './compare';
import { donationScenarios } from './donations';
import { eventScenarios } from './events';
import { hardeningScenarios } from './hardening';
import type { SuiteOptions } from './harness';
import { httpEdgeScenarios } from './http-edge';
import { portalApiScenarios } from './portal-api';
import { pseudonymScenarios } from './pseudonyms';
import { statusListScenarios } from './status-lists';
import { verifyPrivacyScenarios } from './verify-privacy';

export type { Harness, SuiteOptions, TokenClaims } from './harness';

/** The conformance suite: every API scenario, run against the backend `factory` starts. */
export function suite(opts: SuiteOptions): void {
  certificateScenarios(opts);
  donationScenarios(opts);
  hardeningScenarios(opts);
  verifyPrivacyScenarios(opts);
  httpEdgeScenarios(opts);
  statusListScenarios(opts);
  eventScenarios(opts);
  portalApiScenarios(opts);
  pseudonymScenarios(opts);
  compareScenarios(opts);
}
