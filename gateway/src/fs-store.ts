import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Writes a file atomically (temp file, fsync, rename) so a crash never leaves half of it. */
export async function writeFileAtomic(file: string, data: string, mode = 0o600): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const handle = await fs.open(tmp, 'w', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, file);
}

/** Reads a JSON file, or undefined when it does not exist. */
export async function readJsonFile<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Reads a JSON file, creating it with `create()` when absent. */
export async function readOrCreateJson<T>(file: string, create: () => Promise<T> | T): Promise<T> {
  const existing = await readJsonFile<T>(file);
  if (existing !== undefined) return existing;
  const value = await create();
  await writeFileAtomic(file, JSON.stringify(value, null, 2));
  return value;
}
