package reach.events.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import reach.events.v1.EventsOuterClass.Event;
import reach.events.v1.EventsOuterClass.PageOpened;

/**
 * Sends N events through EventClient as fast as it takes them, for bench/clients.py: prints one
 * JSON line with what the server accepted and how long it took. Arguments: host:port, N, prefix.
 */
public final class SendBench {
  private SendBench() {}

  public static void main(String[] args) {
    int count = Integer.parseInt(args[1]);
    List<CompletableFuture<Outcome>> sent = new ArrayList<>(count);
    long started = System.nanoTime();
    try (EventClient client = EventClient.builder().target(args[0]).build()) {
      Event.Builder template =
          Event.newBuilder()
              .setUserId("user-42")
              .setChannel("android")
              .setAppVersion("5.12.0")
              .setPageOpened(PageOpened.newBuilder().setPage("creator/123").setPreviousPage("search"));
      for (int i = 0; i < count; i++) {
        sent.add(client.send(template.setEventId(args[2] + "-" + i).build()));
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    long accepted = sent.stream().filter(f -> !f.isCompletedExceptionally() && f.join().accepted()).count();
    System.out.printf("{\"sent\": %d, \"accepted\": %d, \"seconds\": %.3f}%n", count, accepted, seconds);
  }
}
