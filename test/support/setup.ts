/*
 * What every test run needs before any test file loads (.mocharc requires it):
 * - quiet chaincode loading: fabric-contract-api logs every decorator at info
 *   level when a contract module loads, so the test output is the test report
 *   only, unless CORE_CHAINCODE_LOGGING_LEVEL asks for more;
 * - the embedded ledger's determinism check, for gateways started in-process
 *   or as child processes.
 */
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'CRITICAL';
const level = process.env.CORE_CHAINCODE_LOGGING_LEVEL;
(require('fabric-contract-api/lib/logger') as { setLevel(level: string): void }).setLevel(level);
// setLevel stores winston's spelling, which the loggers would read back as 'info'.
process.env.CORE_CHAINCODE_LOGGING_LEVEL = level;
process.env.EMBEDDED_CHECK_DETERMINISM ??= '1';
export {};
