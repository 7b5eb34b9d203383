import { AuditContract } from './audit-contract';
import { CertificateContract } from './certificate-contract';
import { CertificateTypeContract } from './certificate-type-contract';
import { CharityContract } from './charity-contract';
import { DonationContract } from './donation-contract';
import { IssuerRegistryContract } from './issuer-registry-contract';

export { AuditContract, CertificateContract, CertificateTypeContract, CharityContract, DonationContract, IssuerRegistryContract };

/** The contracts of the Civic Ledger chaincode, as fabric-chaincode-node loads them. */
export const contracts = [CertificateContract, CertificateTypeContract, IssuerRegistryContract, CharityContract, DonationContract, AuditContract];
