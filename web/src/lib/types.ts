/**
 * The shapes the API answers with, from the one place they are defined: the
 * chaincode's models and the gateway's verdict. Type-only imports, so nothing
 * of the server is bundled.
 */
export type {
  CertificateRecord,
  CertificateType,
  Charity,
  Project,
  Donation,
  Disbursement,
  Page,
} from '../../../chaincode/src/models';
export type { Check, CheckName, PublicCertificate, Verdict } from '../../../shared/verification-types';
