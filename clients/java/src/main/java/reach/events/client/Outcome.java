package reach.events.client;

import java.util.Optional;

/** The server's verdict on one event: accepted, or rejected with the reason it gave. */
public record Outcome(String eventId, boolean accepted, Optional<String> reason) {
  static Outcome accepted(String eventId) {
    return new Outcome(eventId, true, Optional.empty());
  }

  static Outcome rejected(String eventId, String reason) {
    return new Outcome(eventId, false, Optional.of(reason));
  }
}
