import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Seconds since `startedMs` (a `performance.now()` reading). */
export const secondsSince = (startedMs: number): number => (performance.now() - startedMs) / 1000;

/**
 * The Prometheus metrics of one service, on a registry of its own: two
 * services in one process (as in the tests) would otherwise register the same
 * names twice, and each would report the other's requests.
 */
export class ServiceMetrics {
  /** What `/metrics` serialises. */
  readonly registry = new Registry();
  /** HTTP requests by method, route pattern and status; never by raw path, which would carry IDs. */
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** Ledger writes as the domain sees them (retries included), by chaincode function and outcome. */
  readonly submitDuration: Histogram<'fn' | 'outcome'>;
  /** Re-simulations after an MVCC or phantom read conflict. */
  readonly mvccRetries: Counter;
  /** Verdicts, by validity and the first failed check. */
  readonly verifications: Counter<'valid' | 'failed_check'>;
  /** Clients subscribed to ledger events. */
  readonly eventSubscribers: Gauge;
  /** Event streams refused for being past a bound, by which bound. */
  readonly eventStreamsRefused: Counter<'bound'>;
  /** Event streams closed because their client took no data for too long. */
  readonly eventStreamsStalled: Counter;

  /**
   * @param height reads the ledger height when Prometheus scrapes.
   * @param eventBufferedBytes reads the bytes written to event streams and not yet taken by their clients.
   */
  constructor(height: () => Promise<number>, eventBufferedBytes: () => number = () => 0) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by method, route pattern and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    new Gauge({
      name: 'civic_ledger_height',
      help: 'Number of blocks on the ledger',
      registers,
      async collect() {
        try {
          this.set(await height());
        } catch {
          // An unreachable ledger keeps the last height; /readyz is the place that reports it.
        }
      },
    });
    this.submitDuration = new Histogram({
      name: 'civic_ledger_submit_duration_seconds',
      help: 'Ledger write duration, MVCC retries included, by chaincode function and outcome (ok or the error code)',
      labelNames: ['fn', 'outcome'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.mvccRetries = new Counter({
      name: 'civic_ledger_mvcc_retries_total',
      help: 'Writes re-simulated after an MVCC or phantom read conflict',
      registers,
    });
    this.verifications = new Counter({
      name: 'civic_verify_total',
      help: 'Credential verifications by validity and first failed check (none when valid)',
      labelNames: ['valid', 'failed_check'] as const,
      registers,
    });
    this.eventSubscribers = new Gauge({
      name: 'civic_events_subscribers',
      help: 'Clients currently subscribed to ledger events',
      registers,
    });
    new Gauge({
      name: 'civic_events_buffered_bytes',
      help: 'Bytes written to event streams that their clients have not taken yet',
      registers,
      collect() {
        this.set(eventBufferedBytes());
      },
    });
    this.eventStreamsRefused = new Counter({
      name: 'civic_events_refused_total',
      help: 'Event streams refused with 429, by the bound they would pass (user or gateway)',
      labelNames: ['bound'] as const,
      registers,
    });
    this.eventStreamsStalled = new Counter({
      name: 'civic_events_stalled_total',
      help: 'Event streams closed because their client took no data for EVENTS_STALL_TIMEOUT_MS',
      registers,
    });
  }

  /** Records one answered HTTP request. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status: String(status) }, seconds);
  }

  /** Records one ledger write; `outcome` is `ok` or the error code it failed with. */
  observeSubmit(fn: string, outcome: string, seconds: number): void {
    this.submitDuration.observe({ fn, outcome }, seconds);
  }

  /** Counts one MVCC retry. */
  mvccRetry(): void {
    this.mvccRetries.inc();
  }

  /** Counts one verdict; `failedCheck` is the first failed check's name, undefined when none failed. */
  observeVerdict(valid: boolean, failedCheck: string | undefined): void {
    this.verifications.inc({ valid: String(valid), failed_check: failedCheck ?? 'none' });
  }

  /** Sets how many clients are subscribed to ledger events. */
  setEventSubscribers(n: number): void {
    this.eventSubscribers.set(n);
  }

  /** Counts an event stream refused at the per-user or the gateway-wide bound. */
  eventStreamRefused(bound: 'user' | 'gateway'): void {
    this.eventStreamsRefused.inc({ bound });
  }

  /** Counts an event stream closed for a client that stopped reading. */
  eventStreamStalled(): void {
    this.eventStreamsStalled.inc();
  }
}
