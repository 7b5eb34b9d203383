export { openDevnet, DEVNET_DEFAULTS } from './devnet';
export { EndorseError, CommitError } from './errors';
export { verifyBlocks, computeBlockHash, computeDataHash } from './chain';
export type * from './types';
