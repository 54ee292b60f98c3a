package reach.events.client;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import reach.events.v1.EventServiceGrpc;
import reach.events.v1.EventsOuterClass.DispatchResponse;
import reach.events.v1.EventsOuterClass.Event;
import reach.events.v1.EventsOuterClass.Events;
import reach.events.v1.EventsOuterClass.Rejection;

/**
 * What JVM services hold to send Reach events. It gathers events into batches (by count and by
 * age), sends each batch with one {@code EventService.Dispatch} call under a deadline, retries a
 * batch with backoff when the server says UNAVAILABLE or RESOURCE_EXHAUSTED (nothing was
 * accepted), and completes each event's future with the server's verdict for that event. Event
 * ids are set before the first attempt, so a retried batch whose first attempt did land is
 * deduplicated downstream, not counted twice.
 *
 * <pre>{@code
 * try (EventClient client = EventClient.builder().target("ingest.reach:8017").build()) {
 *   client.send(event).thenAccept(outcome -> ...);
 * } // close() flushes
 * }</pre>
 */
public final class EventClient implements AutoCloseable {
  private static final Set<Status.Code> RETRYABLE =
      Set.of(Status.Code.UNAVAILABLE, Status.Code.RESOURCE_EXHAUSTED);

  private final Builder options;
  private final EventServiceGrpc.EventServiceStub stub;
  private final ManagedChannel ownedChannel;
  private final ScheduledExecutorService scheduler;

  // Guarded by `this`.
  private List<Pending> buffer = new ArrayList<>();
  private ScheduledFuture<?> ageTimer;
  private final Queue<List<Pending>> ready = new ArrayDeque<>();
  private final Set<CompletableFuture<Void>> outstanding = new HashSet<>();
  private int inFlight;
  private boolean closed;

  private record Pending(Event event, CompletableFuture<Outcome> outcome) {}

  private EventClient(Builder options, Channel channel, ManagedChannel ownedChannel) {
    this.options = options;
    this.stub = EventServiceGrpc.newStub(channel);
    this.ownedChannel = ownedChannel;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "reach-event-client");
              thread.setDaemon(true);
              return thread;
            });
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Queues one event; the future completes with the server's verdict once its batch was
   * answered, or exceptionally with {@link DispatchException} (or {@link IllegalStateException}
   * after close). A missing event_id is generated, a missing timestamp_ms is now.
   */
  public CompletableFuture<Outcome> send(Event event) {
    Event.Builder stamped = event.toBuilder();
    if (stamped.getEventId().isEmpty()) {
      stamped.setEventId(UUID.randomUUID().toString());
    }
    if (stamped.getTimestampMs() == 0) {
      stamped.setTimestampMs(System.currentTimeMillis());
    }
    Pending pending = new Pending(stamped.build(), new CompletableFuture<>());
    synchronized (this) {
      if (closed) {
        return CompletableFuture.failedFuture(new IllegalStateException("EventClient is closed"));
      }
      buffer.add(pending);
      if (buffer.size() >= options.maxBatchEvents) {
        cut();
      } else if (ageTimer == null) {
        ageTimer = scheduler.schedule(this::cutNow, options.maxBatchAge.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
    return pending.outcome;
  }

  /** Sends what is buffered now and waits until every batch sent so far is answered. */
  public void flush() {
    while (true) {
      CompletableFuture<?>[] waiting;
      synchronized (this) {
        cut();
        if (outstanding.isEmpty()) {
          return;
        }
        waiting = outstanding.toArray(CompletableFuture<?>[]::new);
      }
      CompletableFuture.allOf(waiting).join();
    }
  }

  /** Refuses further events, flushes, then closes the channel this client opened. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    flush();
    scheduler.shutdownNow();
    if (ownedChannel != null) {
      ownedChannel.shutdown();
      try {
        ownedChannel.awaitTermination(options.deadline.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private synchronized void cutNow() {
    cut();
  }

  // Callers hold `this`.
  private void cut() {
    if (ageTimer != null) {
      ageTimer.cancel(false);
      ageTimer = null;
    }
    if (!buffer.isEmpty()) {
      ready.add(buffer);
      outstanding.add(new CompletableFuture<>());
      buffer = new ArrayList<>();
    }
    pump();
  }

  // Callers hold `this`. Each ready batch has one future in `outstanding`, completed when the
  // batch is settled; which one does not matter, only how many are left.
  private void pump() {
    while (inFlight < options.maxInFlight && !ready.isEmpty()) {
      inFlight++;
      List<Pending> batch = ready.remove();
      Events request =
          Events.newBuilder().addAllEvents(batch.stream().map(Pending::event).toList()).build();
      attempt(batch, request, 1);
    }
  }

  private void attempt(List<Pending> batch, Events request, int attempt) {
    stub.withDeadlineAfter(options.deadline.toMillis(), TimeUnit.MILLISECONDS)
        .dispatch(
            request,
            new StreamObserver<>() {
              private DispatchResponse response;

              @Override
              public void onNext(DispatchResponse value) {
                response = value;
              }

              @Override
              public void onError(Throwable error) {
                Status status = Status.fromThrowable(error);
                if (RETRYABLE.contains(status.getCode()) && attempt < options.maxAttempts) {
                  long wait = backoffMillis(attempt, options.initialBackoff, options.maxBackoff);
                  scheduler.schedule(
                      () -> attempt(batch, request, attempt + 1), wait, TimeUnit.MILLISECONDS);
                  return;
                }
                DispatchException failure = new DispatchException(status, attempt, error);
                batch.forEach(p -> p.outcome.completeExceptionally(failure));
                settled();
              }

              @Override
              public void onCompleted() {
                Map<Integer, String> reasons = new HashMap<>();
                for (Rejection rejection : response.getRejectedList()) {
                  reasons.put(rejection.getIndex(), rejection.getReason());
                }
                for (int index = 0; index < batch.size(); index++) {
                  Pending pending = batch.get(index);
                  String eventId = pending.event.getEventId();
                  String reason = reasons.get(index);
                  pending.outcome.complete(
                      reason == null ? Outcome.accepted(eventId) : Outcome.rejected(eventId, reason));
                }
                settled();
              }
            });
  }

  private synchronized void settled() {
    inFlight--;
    CompletableFuture<Void> one = outstanding.iterator().next();
    outstanding.remove(one);
    one.complete(null);
    pump();
  }

  /**
   * Full jitter: a random wait up to the capped exponential step, so clients that failed
   * together do not come back together.
   */
  static long backoffMillis(int attempt, Duration initial, Duration max) {
    double step = Math.min(max.toMillis(), initial.toMillis() * Math.pow(2, attempt - 1));
    return (long) (ThreadLocalRandom.current().nextDouble() * step);
  }

  /** Options, each with the default the TypeScript client has too. */
  public static final class Builder {
    private String target;
    private Channel channel;
    private int maxBatchEvents = 500;
    private Duration maxBatchAge = Duration.ofMillis(200);
    private Duration deadline = Duration.ofSeconds(10);
    private int maxAttempts = 5;
    private Duration initialBackoff = Duration.ofMillis(100);
    private Duration maxBackoff = Duration.ofSeconds(5);
    private int maxInFlight = 4;

    private Builder() {}

    /** The ingestion service as host:port, reached over plaintext HTTP/2. */
    public Builder target(String target) {
      this.target = target;
      return this;
    }

    /** Used instead of target (TLS, interceptors); the caller keeps ownership. */
    public Builder channel(Channel channel) {
      this.channel = channel;
      return this;
    }

    /** A batch is sent once it holds this many events (the server takes up to 10,000). */
    public Builder maxBatchEvents(int value) {
      this.maxBatchEvents = positive("maxBatchEvents", value);
      return this;
    }

    /** ... or once its oldest event has waited this long. */
    public Builder maxBatchAge(Duration value) {
      this.maxBatchAge = positive("maxBatchAge", value);
      return this;
    }

    /** Deadline of one Dispatch attempt. */
    public Builder deadline(Duration value) {
      this.deadline = positive("deadline", value);
      return this;
    }

    /** Attempts per batch, the first included, on UNAVAILABLE or RESOURCE_EXHAUSTED. */
    public Builder maxAttempts(int value) {
      this.maxAttempts = positive("maxAttempts", value);
      return this;
    }

    /** Backoff before the second attempt; doubled each time up to maxBackoff, jittered. */
    public Builder backoff(Duration initial, Duration max) {
      this.initialBackoff = positive("initialBackoff", initial);
      this.maxBackoff = positive("maxBackoff", max);
      return this;
    }

    /** Batches sent at once; further full batches wait for one of these to finish. */
    public Builder maxInFlight(int value) {
      this.maxInFlight = positive("maxInFlight", value);
      return this;
    }

    public EventClient build() {
      if (channel != null) {
        return new EventClient(this, channel, null);
      }
      if (target == null) {
        throw new IllegalArgumentException("EventClient needs target or channel");
      }
      ManagedChannel owned = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
      return new EventClient(this, owned, owned);
    }

    private static int positive(String name, int value) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be positive, got " + value);
      }
      return value;
    }

    private static Duration positive(String name, Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + value);
      }
      return value;
    }
  }
}
