import { CertificateContract } from './certificate-contract';
import { CertificateTypeContract } from './certificate-type-contract';
import { IssuerRegistryContract } from './issuer-registry-contract';

export { CertificateContract, CertificateTypeContract, IssuerRegistryContract };

/** The contracts of the Civic Ledger chaincode, as fabric-chaincode-node loads them. */
export const contracts = [CertificateContract, CertificateTypeContract, IssuerRegistryContract];
