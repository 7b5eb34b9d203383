/** Names of the chaincode events; one per transaction, set after the change. */
export const EVENTS = {
  issuerKeyRegistered: 'IssuerKeyRegistered',
  issuerKeyStatusChanged: 'IssuerKeyStatusChanged',
  certificateTypeRegistered: 'CertificateTypeRegistered',
  certificateIssued: 'CertificateIssued',
  certificatesIssued: 'CertificatesIssued',
  certificateStatusChanged: 'CertificateStatusChanged',
  charityRegistered: 'CharityRegistered',
  projectCreated: 'ProjectCreated',
  donationRecorded: 'DonationRecorded',
  donationsImported: 'DonationsImported',
  disbursementRecorded: 'DisbursementRecorded',
} as const;
