/**
 * fabric-contract-api reads CORE_CHAINCODE_LOGGING_LEVEL when its modules
 * load and logs every decorator at info level otherwise. Entry points import
 * this module first so that loading the chaincode is quiet unless asked.
 */
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'CRITICAL';
