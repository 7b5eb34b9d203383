export type { CertifiedKey, EnrolmentRequest, SigningIdentity } from './types';
export { createCA, enrol, FABRIC_ATTRS_OID, type CreateCAOptions } from './certificates';
export { clientIdOf, verifyIssuedBy, isIssuedBy, isSignedBy, certificateInfo, type CertificateInfo } from './identity';
export { sha256, signDigest, signDigestAsync, verifySignature, verifySignatureAsync, privateKeyOf } from './signing';
