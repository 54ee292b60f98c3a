package reach.events.client;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import reach.events.v1.EventServiceGrpc;
import reach.events.v1.EventsOuterClass.DispatchResponse;
import reach.events.v1.EventsOuterClass.Events;

/**
 * A real gRPC server on a loopback port whose Dispatch answers as a test scripts it, recording
 * every request: the client's unit tests run over real HTTP/2, not a fake.
 */
final class Scripted implements AutoCloseable {
  /** The answer to the call-th request (1-based); null means never answer. */
  interface Answer {
    DispatchResponse answer(Events request, int call) throws StatusRuntimeException;
  }

  static final Answer ACCEPT_ALL =
      (request, call) -> DispatchResponse.newBuilder().setAccepted(request.getEventsCount()).build();

  final List<Events> requests = new CopyOnWriteArrayList<>();
  private final Server server;

  Scripted(Answer answer) throws IOException {
    server =
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
            .addService(
                new EventServiceGrpc.EventServiceImplBase() {
                  @Override
                  public void dispatch(Events request, StreamObserver<DispatchResponse> observer) {
                    requests.add(request);
                    try {
                      DispatchResponse response = answer.answer(request, requests.size());
                      if (response != null) {
                        observer.onNext(response);
                        observer.onCompleted();
                      }
                    } catch (StatusRuntimeException e) {
                      observer.onError(e);
                    }
                  }
                })
            .build()
            .start();
  }

  String target() {
    return "127.0.0.1:" + server.getPort();
  }

  List<List<String>> batches() {
    return requests.stream()
        .map(r -> r.getEventsList().stream().map(e -> e.getEventId()).toList())
        .toList();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }
}
