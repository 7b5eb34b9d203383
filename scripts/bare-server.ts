import express from 'express';
import { Level } from 'level';
import { randomUUID } from 'node:crypto';

/**
 * The benchmark's yardstick: a bare Express app that writes each posted
 * record to LevelDB, with no auth, ledger or signatures.
 */
async function main(): Promise<void> {
  const dir = process.env.BARE_DB;
  if (!dir) throw new Error('BARE_DB is required');
  const db = new Level<string, string>(dir);
  await db.open();
  const app = express();
  app.use(express.json({ limit: '4mb' }));
  app.post('/records', async (req, res) => {
    const id = randomUUID();
    await db.put(id, JSON.stringify({ id, ...req.body }));
    res.status(201).json({ id });
  });
  const server = app.listen(0, '127.0.0.1', () => {
    const addr = server.address();
    console.log(`bare listening on http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`);
  });
  process.on('SIGTERM', () => server.close(() => void db.close().then(() => process.exit(0))));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
