import cliProgress from 'cli-progress';

/** Progress of an import: a bar with rate and ETA on a terminal, a plain line every few seconds otherwise. */
export interface Progress {
  /** Rows settled so far (issued, already issued or failed), out of the total. */
  update(done: number): void;
  stop(): void;
}

/** How often the plain (non-TTY) progress line is printed. */
const PLAIN_EVERY_MS = 3000;

/**
 * Progress on stderr, so stdout stays for results. A log file or a CI job
 * gets a line every few seconds instead of a bar full of carriage returns.
 */
export function startProgress(label: string, total: number, quiet = false): Progress {
  if (quiet || total === 0) return { update: () => undefined, stop: () => undefined };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: `${label} [{bar}] {percentage}% | {value}/{total} rows | {rate} rows/s | ETA {eta_formatted}`, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    const started = Date.now();
    bar.start(total, 0, { rate: '0' });
    return {
      update: (done) => bar.update(done, { rate: rate(done, started) }),
      stop: () => bar.stop(),
    };
  }
  const started = Date.now();
  let last = started;
  let current = 0;
  const line = (): void => {
    const r = Number(rate(current, started));
    const eta = r > 0 ? Math.round((total - current) / r) : undefined;
    process.stderr.write(`${label}: ${current}/${total} rows, ${r} rows/s${eta === undefined ? '' : `, ETA ${eta} s`}\n`);
  };
  return {
    update: (done) => {
      current = done;
      if (Date.now() - last >= PLAIN_EVERY_MS) {
        last = Date.now();
        line();
      }
    },
    stop: () => undefined,
  };
}

/** Rows per second since `started`, as text with at most one decimal. */
export function rate(rows: number, started: number): string {
  const s = (Date.now() - started) / 1000;
  return s > 0 ? String(Math.round((rows / s) * 10) / 10) : '0';
}
