package reach.events.client;

import io.grpc.Status;

/** A batch the server did not take: a status that is not retried, or retries exhausted. */
public final class DispatchException extends RuntimeException {
  private final Status.Code code;
  private final int attempts;

  DispatchException(Status status, int attempts, Throwable cause) {
    super("Dispatch failed after " + attempts + " attempt(s): " + status, cause);
    this.code = status.getCode();
    this.attempts = attempts;
  }

  public Status.Code code() {
    return code;
  }

  public int attempts() {
    return attempts;
  }
}
