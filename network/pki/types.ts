/** A certificate and its private key, both PEM (PKCS#8 for the key). */
export interface CertifiedKey {
  certificatePem: string;
  privateKeyPem: string;
}

/** What goes into an enrolment certificate, as Fabric CA does it. */
export interface EnrolmentRequest {
  /** Subject CN, e.g. the user's id. */
  commonName: string;
  /** Subject OU, Fabric's NodeOU role: client | peer | admin | orderer. */
  nodeRole: 'client' | 'peer' | 'admin' | 'orderer';
  /** Attributes written as `{"attrs":{...}}` into extension 1.2.3.4.5.6.7.8.1. */
  attrs?: Record<string, string>;
  /** Validity in days; default 365. */
  validityDays?: number;
}

/** An identity that signs proposals: a member of one MSP. */
export interface SigningIdentity {
  mspId: string;
  certificatePem: string;
  privateKeyPem: string;
}
