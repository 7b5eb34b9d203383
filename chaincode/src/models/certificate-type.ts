/** A kind of e-certificate, who may issue it and the shape of its claims. */
export interface CertificateType {
  type: string;
  title: string;
  issuerMsps: string[];
  /** JSON Schema (draft 2020-12 subset understood by Ajv) for credentialSubject claims. */
  schema: Record<string, unknown>;
  registeredAt?: string;
}
