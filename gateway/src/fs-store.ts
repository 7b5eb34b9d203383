import { promises as fs } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';

/** Data files hold keys, identities and answers: only the service's own user reads them. */
export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

/** Creates a directory (and its parents) readable by the service's user only. */
export async function makePrivateDir(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: DIR_MODE });
  await fs.chmod(dir, DIR_MODE);
}

/**
 * Writes a file atomically so a crash never leaves half of it: a uniquely
 * named temp file (concurrent writers never share one), fsync, rename, then
 * fsync of the directory so the rename itself survives a power cut.
 */
export async function writeFileAtomic(file: string, data: string, mode = FILE_MODE): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true, mode: DIR_MODE });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomUUID()}.tmp`);
  const handle = await fs.open(tmp, 'wx', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  const d = await fs.open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
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
