import { certificateScenarios } from './certificates';
import { donationScenarios } from './donations';
import { httpEdgeScenarios } from './http-edge';
import type { SuiteOptions } from './harness';

export type { Harness, SuiteOptions, TokenClaims } from './harness';

/** The conformance suite: every API scenario, run against the backend `factory` starts. */
export function suite(opts: SuiteOptions): void {
  certificateScenarios(opts);
  donationScenarios(opts);
  httpEdgeScenarios(opts);
}
