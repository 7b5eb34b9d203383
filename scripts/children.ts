import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** The gateway's entry point, as `npm start` runs it. */
export const GATEWAY_MAIN = path.join(__dirname, '../gateway/src/main.js');

/** The line a gateway prints once it listens, with its URL. */
export const GATEWAY_READY = /listening on (http:\/\/[\d.]+:\d+)/;

/**
 * Runs `node script` with `env` added and resolves with the URL its first
 * match of `ready` names. From then on its output is drained unread: a
 * benchmark that kept a gateway's request log would grow for the whole run
 * and slow the very process it measures. stderr goes to `stderr`: 'pipe'
 * keeps it for the start-up failure message, 'inherit' shows it.
 */
export function startChild(
  script: string,
  env: Record<string, string>,
  ready: RegExp = GATEWAY_READY,
  stderr: 'pipe' | 'inherit' = 'pipe',
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', stderr] });
  let out = '';
  return new Promise((resolve, reject) => {
    const name = path.basename(script);
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 60 s:\n${out}`)), 60_000);
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = ready.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout?.removeListener('data', onData);
      child.stderr?.removeListener('data', onError);
      child.stdout?.resume();
      child.stderr?.resume();
      resolve({ child, url: m[1] });
    };
    const onError = (d: Buffer): void => {
      out += d.toString();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onError);
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}:\n${out}`)));
  });
}

/** Stops a child we started and waits for it, so its data directory is released. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
