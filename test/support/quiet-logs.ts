/*
 * fabric-contract-api logs every decorator at info level when a contract
 * module loads. Mocha requires this before any test file (.mocharc), so the
 * test output is the test report only,
 * unless CORE_CHAINCODE_LOGGING_LEVEL asks for more.
 */
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'CRITICAL';
const level = process.env.CORE_CHAINCODE_LOGGING_LEVEL;
(require('fabric-contract-api/lib/logger') as { setLevel(level: string): void }).setLevel(level);
// setLevel stores winston's spelling, which the loggers would read back as 'info'.
process.env.CORE_CHAINCODE_LOGGING_LEVEL = level;
// Gateways the tests start as processes check the chaincode's determinism too (EMBEDDED_CHECK_DETERMINISM).
process.env.EMBEDDED_CHECK_DETERMINISM ??= '1';
export {};
