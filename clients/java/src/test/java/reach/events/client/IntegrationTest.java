package reach.events.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.util.JsonFormat;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import reach.events.v1.EventsOuterClass.Event;

/**
 * Every test vector (one event per payload type, ../testdata/events.json) sent through
 * EventClient to a real `reach ingest serve`. The Python test that starts the server passes its
 * address and a run id, and afterwards checks that each accepted event landed in ClickHouse
 * exactly once with the same field values; here, each event's verdict is checked.
 */
class IntegrationTest {
  @Test
  void everyPayloadTypeReachesARealIngestionServerWithTheExpectedVerdict() throws Exception {
    String url = System.getenv("REACH_EVENTS_URL");
    String run = System.getenv("REACH_EVENTS_RUN");
    assumeTrue(url != null && run != null, "REACH_EVENTS_URL and REACH_EVENTS_RUN not set");
    URI address = URI.create(url);
    JsonObject document =
        JsonParser.parseString(Files.readString(Path.of("../testdata/events.json")))
            .getAsJsonObject();

    List<JsonObject> vectors = new ArrayList<>();
    List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
    try (EventClient client =
        EventClient.builder()
            .target(address.getHost() + ":" + address.getPort())
            .maxBatchEvents(10)
            .deadline(Duration.ofSeconds(30))
            .build()) {
      for (JsonElement element : document.getAsJsonArray("vectors")) {
        JsonObject vector = element.getAsJsonObject();
        Event.Builder event = Event.newBuilder();
        JsonFormat.parser().merge(vector.get("event").toString(), event);
        event.setEventId(run + "-" + vector.get("payload").getAsString());
        vectors.add(vector);
        outcomes.add(client.send(event.build()));
      }
    }
    for (int index = 0; index < vectors.size(); index++) {
      JsonObject vector = vectors.get(index);
      String payload = vector.get("payload").getAsString();
      Outcome outcome = outcomes.get(index).join();
      assertEquals(run + "-" + payload, outcome.eventId());
      assertEquals(vector.get("accepted").getAsBoolean(), outcome.accepted(), payload + ": " + outcome);
      if (!outcome.accepted()) {
        assertTrue(outcome.reason().orElseThrow().contains("not accepted over gRPC"), outcome.toString());
      }
    }
  }
}
