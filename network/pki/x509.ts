// @peculiar/x509 resolves its algorithm registry through tsyringe, which needs the Reflect metadata polyfill first.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto);

/** @peculiar/x509, with node's WebCrypto installed as its provider. */
export { x509 };

/** The WebCrypto implementation the certificate code signs with. */
export const subtle = webcrypto.subtle;
