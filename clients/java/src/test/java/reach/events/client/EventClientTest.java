package reach.events.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reach.events.v1.EventsOuterClass.Click;
import reach.events.v1.EventsOuterClass.DispatchResponse;
import reach.events.v1.EventsOuterClass.Event;
import reach.events.v1.EventsOuterClass.Launch;
import reach.events.v1.EventsOuterClass.Rejection;

/**
 * EventClient against a scripted gRPC server: batching by count and by age, retries on
 * UNAVAILABLE and RESOURCE_EXHAUSTED only, the per-call deadline, per-event rejections, and
 * close() flushing.
 */
class EventClientTest {
  private static final Duration NEVER_BY_AGE = Duration.ofMinutes(1);
  private Scripted server;
  private EventClient client;

  @AfterEach
  void stop() throws InterruptedException {
    if (client != null) client.close();
    if (server != null) server.close();
  }

  private EventClient.Builder start(Scripted.Answer answer) throws Exception {
    server = new Scripted(answer);
    return EventClient.builder()
        .target(server.target())
        .backoff(Duration.ofMillis(1), Duration.ofMillis(10));
  }

  private static Event click(String id) {
    return Event.newBuilder().setEventId(id).setClick(Click.newBuilder().setPage("home")).build();
  }

  private static Scripted.Answer failing(Status.Code code, int times) {
    return (request, call) -> {
      if (call <= times) throw Status.fromCode(code).withDescription("scripted").asRuntimeException();
      return Scripted.ACCEPT_ALL.answer(request, call);
    };
  }

  private static DispatchException failure(CompletableFuture<Outcome> outcome) {
    CompletionException thrown = assertThrows(CompletionException.class, outcome::join);
    return (DispatchException) thrown.getCause();
  }

  @Test
  void aBatchGoesOutWhenItHoldsMaxBatchEvents() throws Exception {
    client = start(Scripted.ACCEPT_ALL).maxBatchEvents(3).maxBatchAge(NEVER_BY_AGE).build();
    List<CompletableFuture<Outcome>> sent =
        Stream.of("a", "b", "c", "d", "e", "f", "g").map(id -> client.send(click(id))).toList();
    // Six events fill two batches, which are answered without any flush or timer (in either
    // order: both are in flight at once).
    sent.subList(0, 6).forEach(CompletableFuture::join);
    assertEquals(
        Set.of(List.of("a", "b", "c"), List.of("d", "e", "f")), Set.copyOf(server.batches()));
    client.close();
    assertEquals(List.of("g"), server.batches().get(2));
    assertEquals(new Outcome("g", true, Optional.empty()), sent.get(6).join());
  }

  @Test
  void aBatchGoesOutWhenItsOldestEventIsMaxBatchAgeOld() throws Exception {
    client = start(Scripted.ACCEPT_ALL).maxBatchEvents(1000).maxBatchAge(Duration.ofMillis(20)).build();
    CompletableFuture<Outcome> a = client.send(click("a"));
    CompletableFuture<Outcome> b = client.send(click("b"));
    assertTrue(a.join().accepted() && b.join().accepted());
    assertEquals(1, server.requests.size());
  }

  @ParameterizedTest
  @EnumSource(names = {"UNAVAILABLE", "RESOURCE_EXHAUSTED"})
  void retryableStatusesAreRetriedWithTheSameEvents(Status.Code code) throws Exception {
    client = start(failing(code, 2)).build();
    assertEquals(new Outcome("a", true, Optional.empty()), client.send(click("a")).join());
    assertEquals(List.of(List.of("a"), List.of("a"), List.of("a")), server.batches());
  }

  @ParameterizedTest
  @EnumSource(names = {"INVALID_ARGUMENT", "INTERNAL", "UNAUTHENTICATED"})
  void otherStatusesAreNotRetriedAndFailTheBatchsEvents(Status.Code code) throws Exception {
    client = start(failing(code, 100)).build();
    List<CompletableFuture<Outcome>> sent = List.of(client.send(click("a")), client.send(click("b")));
    client.flush();
    for (CompletableFuture<Outcome> outcome : sent) {
      DispatchException failure = failure(outcome);
      assertEquals(code, failure.code());
      assertEquals(1, failure.attempts());
    }
    assertEquals(1, server.requests.size());
  }

  @Test
  void retriesStopAfterMaxAttempts() throws Exception {
    client = start(failing(Status.Code.UNAVAILABLE, 100)).maxAttempts(3).build();
    assertEquals(3, failure(client.send(click("a"))).attempts());
    assertEquals(3, server.requests.size());
  }

  @Test
  void eachCallCarriesTheDeadlineAndFailsPastItUnretried() throws Exception {
    client = start((request, call) -> null).deadline(Duration.ofMillis(50)).build();
    DispatchException failure = failure(client.send(click("a")));
    assertEquals(Status.Code.DEADLINE_EXCEEDED, failure.code());
    assertEquals(1, failure.attempts());
    // Under load the deadline can pass before the one request reaches the server; a retry
    // would make it two.
    assertTrue(server.requests.size() <= 1, "requests: " + server.requests.size());
  }

  @Test
  void perEventRejectionsComeBackToEachEventsCallerWithTheReason() throws Exception {
    String reason = "payload 'branch' is not accepted over gRPC";
    client =
        start(
                (request, call) ->
                    DispatchResponse.newBuilder()
                        .setAccepted(2)
                        .addRejected(
                            Rejection.newBuilder().setIndex(1).setEventId("b").setReason(reason))
                        .build())
            .build();
    List<CompletableFuture<Outcome>> sent =
        Stream.of("a", "b", "c").map(id -> client.send(click(id))).toList();
    assertEquals(
        List.of(
            new Outcome("a", true, Optional.empty()),
            new Outcome("b", false, Optional.of(reason)),
            new Outcome("c", true, Optional.empty())),
        sent.stream().map(CompletableFuture::join).toList());
  }

  @Test
  void closeSendsWhatIsBufferedThenRefusesNewEvents() throws Exception {
    client = start(Scripted.ACCEPT_ALL).maxBatchAge(NEVER_BY_AGE).build();
    List<CompletableFuture<Outcome>> sent = List.of(client.send(click("a")), client.send(click("b")));
    client.close();
    assertEquals(1, server.requests.size());
    assertTrue(sent.stream().allMatch(f -> f.join().accepted()));
    CompletionException refused =
        assertThrows(CompletionException.class, () -> client.send(click("c")).join());
    assertTrue(refused.getCause() instanceof IllegalStateException);
  }

  @Test
  void aMissingEventIdIsGeneratedAndAMissingTimestampIsNow() throws Exception {
    client = start(Scripted.ACCEPT_ALL).build();
    long before = System.currentTimeMillis();
    Outcome outcome =
        client.send(Event.newBuilder().setLaunch(Launch.getDefaultInstance()).build()).join();
    Event event = server.requests.get(0).getEvents(0);
    assertEquals(outcome.eventId(), event.getEventId());
    assertTrue(event.getEventId().matches("[0-9a-f-]{36}"));
    assertTrue(event.getTimestampMs() >= before);
  }

  @Test
  void invalidOptionsAreRefusedByName() {
    IllegalArgumentException thrown =
        assertThrows(IllegalArgumentException.class, () -> EventClient.builder().maxBatchEvents(0));
    assertTrue(thrown.getMessage().contains("maxBatchEvents"));
    assertThrows(IllegalArgumentException.class, () -> EventClient.builder().build());
  }

  @Test
  void backoffIsJitteredBelowTheCappedExponentialStep() {
    for (int attempt = 1; attempt <= 10; attempt++) {
      long wait = EventClient.backoffMillis(attempt, Duration.ofMillis(100), Duration.ofSeconds(1));
      assertTrue(wait >= 0 && wait <= Math.min(1000, 100 * (1L << (attempt - 1))));
    }
  }
}
