export * from './certificate';
export * from './certificate-type';
export * from './issuer';
export * from './page';
export * from './orgs';
export * from './charity';
