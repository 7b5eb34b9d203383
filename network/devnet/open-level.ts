import { Level } from 'level';

/** A LevelDB another process holds open: most often a running service on the same data directory. */
export class DataInUseError extends Error {
  readonly location: string;

  constructor(location: string, cause: unknown) {
    super(`${location} is in use by another process, most likely a running service on the same data directory; stop it, or choose another CIVIC_DATA_DIR`, { cause });
    this.name = DataInUseError.name;
    this.location = location;
  }
}

/** Opens (creating if needed) a LevelDB, turning LevelDB's lock failure into a {@link DataInUseError}. */
export async function openLevel<K, V>(location: string, options: ConstructorParameters<typeof Level<K, V>>[1]): Promise<Level<K, V>> {
  const db = new Level<K, V>(location, options);
  try {
    await db.open();
  } catch (err) {
    if ((err as { cause?: { code?: unknown } }).cause?.code === 'LEVEL_LOCKED') throw new DataInUseError(location, err);
    throw err;
  }
  return db;
}
