// Encrypted SQLite for the app (audit trail, Spine outbox): the public face of native/sqlite.
export {
  openEncryptedDatabase,
  openPlainDatabaseForBenchmark,
  EncryptedDatabaseError,
  toDatabaseError,
  sqliteCodeOf,
  KEY_BYTES,
  type EncryptedDatabase,
  type EncryptedDatabaseErrorCode,
  type Migration,
  type OpenEncryptedDatabaseOptions,
  type SqlStatement,
  type SqlTransaction,
} from './database';
export {
  readKeyFile,
  createKeyFile,
  readOrCreateKeyFile,
  replaceKeyFile,
  KeyFileError,
  type KeyFileErrorCode,
} from './key-file';
