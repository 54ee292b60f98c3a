// EventClient: what app code holds to send Reach events. It gathers events into batches (by
// count and by age), sends each batch with one EventService.Dispatch call under a deadline,
// retries a batch with backoff when the server says UNAVAILABLE or RESOURCE_EXHAUSTED (nothing
// was accepted, the broker or the server is busy), and settles each event's promise with the
// server's verdict for that event. Event ids are set before the first attempt, so a retried
// batch whose first attempt did land is deduplicated downstream, not counted twice.

import { randomUUID } from "node:crypto";
import { clone, create, isMessage, type MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Client, type Transport } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import {
  EventSchema,
  EventService,
  EventsSchema,
  type DispatchResponse,
  type Event,
} from "./gen/reach/common/events/events_pb.js";

export interface EventClientOptions {
  /** The ingestion service, e.g. "http://127.0.0.1:8017" (gRPC over HTTP/2 cleartext). */
  baseUrl?: string;
  /** Used instead of baseUrl, e.g. a transport with TLS or interceptors. */
  transport?: Transport;
  /** A batch is sent once it holds this many events (the server takes up to 10,000). */
  maxBatchEvents?: number;
  /** ... or once its oldest event has waited this long. */
  maxBatchAgeMs?: number;
  /** Deadline of one Dispatch attempt. */
  deadlineMs?: number;
  /** Attempts per batch, the first included, on UNAVAILABLE or RESOURCE_EXHAUSTED. */
  maxAttempts?: number;
  /** Backoff before the second attempt; doubled each time, capped, with full jitter. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Batches sent at once; further full batches wait for one of these to finish. */
  maxInFlight?: number;
}

/** The server's verdict on one event. */
export type Outcome =
  | { eventId: string; accepted: true }
  | { eventId: string; accepted: false; reason: string };

/** A batch the server did not take: a non-retryable status, or retries exhausted. */
export class DispatchError extends Error {
  constructor(
    readonly code: Code,
    readonly attempts: number,
    cause: ConnectError,
  ) {
    super(`Dispatch failed after ${attempts} attempt(s): ${cause.message}`, { cause });
    this.name = "DispatchError";
  }
}

export class ClosedError extends Error {
  constructor() {
    super("EventClient is closed");
    this.name = "ClosedError";
  }
}

const RETRYABLE = new Set([Code.Unavailable, Code.ResourceExhausted]);

const DEFAULTS = {
  maxBatchEvents: 500,
  maxBatchAgeMs: 200,
  deadlineMs: 10_000,
  maxAttempts: 5,
  initialBackoffMs: 100,
  maxBackoffMs: 5_000,
  maxInFlight: 4,
};

interface Pending {
  event: Event;
  resolve: (outcome: Outcome) => void;
  reject: (error: Error) => void;
}

export type EventInit = MessageInitShape<typeof EventSchema>;

export class EventClient {
  private readonly options: typeof DEFAULTS;
  private readonly rpc: Client<typeof EventService>;
  private buffer: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly ready: Pending[][] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;
  // The HTTP/2 connection, when this client made it (from baseUrl): close() ends it.
  private readonly session: Http2SessionManager | undefined;

  constructor(options: EventClientOptions) {
    let transport = options.transport;
    if (transport === undefined) {
      if (options.baseUrl === undefined) {
        throw new TypeError("EventClient needs baseUrl or transport");
      }
      this.session = new Http2SessionManager(options.baseUrl);
      transport = createGrpcTransport({ baseUrl: options.baseUrl, sessionManager: this.session });
    }
    this.options = { ...DEFAULTS };
    for (const key of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
      const value = options[key];
      if (value !== undefined) {
        if (!Number.isFinite(value) || value < (key === "maxBackoffMs" || key === "initialBackoffMs" ? 0 : 1)) {
          throw new RangeError(`EventClient option ${key} must be a positive number, got ${value}`);
        }
        this.options[key] = value;
      }
    }
    this.rpc = createClient(EventService, transport);
  }

  /** Queues one event; resolves with the server's verdict once its batch was answered, rejects
   * with DispatchError when the whole batch failed. A missing event_id is generated, a missing
   * timestamp_ms is now. */
  send(init: EventInit): Promise<Outcome> {
    if (this.closed) {
      return Promise.reject(new ClosedError());
    }
    // A message is copied: the caller may reuse and change it while this one waits in a batch.
    const event = isMessage(init, EventSchema) ? clone(EventSchema, init) : create(EventSchema, init);
    event.eventId ||= randomUUID();
    event.timestampMs ||= BigInt(Date.now());
    return new Promise<Outcome>((resolve, reject) => {
      this.buffer.push({ event, resolve, reject });
      if (this.buffer.length >= this.options.maxBatchEvents) {
        this.cut();
      } else if (this.timer === undefined) {
        this.timer = setTimeout(() => this.cut(), this.options.maxBatchAgeMs);
      }
    });
  }

  /** Sends what is buffered now and waits until every batch sent so far is answered. */
  async flush(): Promise<void> {
    this.cut();
    while (this.inFlight.size > 0 || this.ready.length > 0) {
      await Promise.all(this.inFlight);
    }
  }

  /** Refuses further events, flushes, then closes the connection this client opened. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    this.session?.abort();
  }

  private cut(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length > 0) {
      this.ready.push(this.buffer);
      this.buffer = [];
    }
    this.pump();
  }

  private pump(): void {
    while (this.inFlight.size < this.options.maxInFlight && this.ready.length > 0) {
      const batch = this.ready.shift()!;
      const running: Promise<void> = this.deliver(batch).finally(() => {
        this.inFlight.delete(running);
        this.pump();
      });
      this.inFlight.add(running);
    }
  }

  private async deliver(batch: Pending[]): Promise<void> {
    try {
      const response = await this.dispatch(batch.map((p) => p.event));
      const reasons = new Map(response.rejected.map((r) => [r.index, r.reason]));
      batch.forEach((pending, index) => {
        const eventId = pending.event.eventId;
        const reason = reasons.get(index);
        pending.resolve(reason === undefined ? { eventId, accepted: true } : { eventId, accepted: false, reason });
      });
    } catch (error) {
      for (const pending of batch) {
        pending.reject(error as Error);
      }
    }
  }

  private async dispatch(events: Event[]): Promise<DispatchResponse> {
    const request = create(EventsSchema, { events });
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.rpc.dispatch(request, { timeoutMs: this.options.deadlineMs });
      } catch (thrown) {
        const error = ConnectError.from(thrown);
        if (!RETRYABLE.has(error.code) || attempt >= this.options.maxAttempts) {
          throw new DispatchError(error.code, attempt, error);
        }
        await sleep(backoffMs(attempt, this.options.initialBackoffMs, this.options.maxBackoffMs));
      }
    }
  }
}

/** Full jitter: a random wait up to the capped exponential step, so clients that failed
 * together do not come back together. */
export function backoffMs(attempt: number, initialMs: number, maxMs: number): number {
  return Math.random() * Math.min(maxMs, initialMs * 2 ** (attempt - 1));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
