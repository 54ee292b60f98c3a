// EventClient against a scripted gRPC server: batching by count and by age, retries on
// UNAVAILABLE and RESOURCE_EXHAUSTED only, the per-call deadline, per-event rejections, and
// close() flushing.

import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { backoffMs, ClosedError, DispatchError, EventClient, EventSchema, type EventInit } from "../src/index.js";
import { acceptAll, scripted, type Answer, type Scripted } from "./scripted.js";

const NEVER_BY_AGE = 60_000;
let server: Scripted | undefined;
let client: EventClient | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = server = undefined;
});

async function start(answer: Answer, options: ConstructorParameters<typeof EventClient>[0] = {}) {
  server = await scripted(answer);
  client = new EventClient({ baseUrl: server.baseUrl, initialBackoffMs: 1, ...options });
  return { server, client };
}

function click(id: string): EventInit {
  return { eventId: id, payload: { case: "click", value: { page: "home" } } };
}

function failing(code: Code, times: number): Answer {
  return async (request, call) => {
    if (call <= times) throw new ConnectError("scripted", code);
    return acceptAll(request, call, undefined as never);
  };
}

test("a batch goes out when it holds maxBatchEvents", async () => {
  const { server, client } = await start(acceptAll, { maxBatchEvents: 3, maxBatchAgeMs: NEVER_BY_AGE });
  const sent = ["a", "b", "c", "d", "e", "f", "g"].map((id) => client.send(click(id)));
  // Six events fill two batches, which are answered without any flush or timer (in either
  // order: both are in flight at once).
  await Promise.all(sent.slice(0, 6));
  const batches = server.requests.map((r) => r.events.map((e) => e.eventId).join(""));
  assert.deepEqual(batches.sort(), ["abc", "def"]);
  await client.close();
  assert.deepEqual(server.requests.at(-1)!.events.map((e) => e.eventId), ["g"]);
  assert.deepEqual(await sent[6], { eventId: "g", accepted: true });
});

test("a batch goes out when its oldest event is maxBatchAgeMs old", async () => {
  const { server, client } = await start(acceptAll, { maxBatchEvents: 1000, maxBatchAgeMs: 20 });
  const outcomes = await Promise.all([client.send(click("a")), client.send(click("b"))]);
  assert.deepEqual(outcomes.map((o) => o.accepted), [true, true]);
  assert.equal(server.requests.length, 1);
});

for (const code of [Code.Unavailable, Code.ResourceExhausted]) {
  test(`${Code[code]} is retried with the same events`, async () => {
    const { server, client } = await start(failing(code, 2));
    const outcome = await client.send(click("a"));
    assert.deepEqual(outcome, { eventId: "a", accepted: true });
    assert.equal(server.requests.length, 3);
    assert.deepEqual(server.requests.map((r) => r.events[0].eventId), ["a", "a", "a"]);
  });
}

for (const code of [Code.InvalidArgument, Code.Internal, Code.Unauthenticated]) {
  test(`${Code[code]} is not retried and fails the batch's events`, async () => {
    const { server, client } = await start(failing(code, 100));
    const sent = [client.send(click("a")), client.send(click("b"))];
    await client.flush();
    for (const outcome of sent) {
      await assert.rejects(outcome, (e: unknown) => e instanceof DispatchError && e.code === code && e.attempts === 1);
    }
    assert.equal(server.requests.length, 1);
  });
}

test("retries stop after maxAttempts", async () => {
  const { server, client } = await start(failing(Code.Unavailable, 100), { maxAttempts: 3 });
  await assert.rejects(client.send(click("a")), (e: unknown) => e instanceof DispatchError && e.attempts === 3);
  assert.equal(server.requests.length, 3);
});

test("each call carries the deadline and fails with DEADLINE_EXCEEDED past it, unretried", async () => {
  const hang: Answer = (_request, _call, context) =>
    new Promise((_resolve, reject) => context.signal.addEventListener("abort", () => reject(context.signal.reason)));
  const { server, client } = await start(hang, { deadlineMs: 50 });
  await assert.rejects(
    client.send(click("a")),
    (e: unknown) => e instanceof DispatchError && e.code === Code.DeadlineExceeded && e.attempts === 1,
  );
  assert.equal(server.requests.length, 1);
});

test("per-event rejections come back to each event's caller with the reason", async () => {
  const { client } = await start(async () => ({
    accepted: 2,
    rejected: [{ index: 1, eventId: "b", reason: "payload 'branch' is not accepted over gRPC" }],
  }));
  const outcomes = await Promise.all(["a", "b", "c"].map((id) => client.send(click(id))));
  assert.deepEqual(outcomes, [
    { eventId: "a", accepted: true },
    { eventId: "b", accepted: false, reason: "payload 'branch' is not accepted over gRPC" },
    { eventId: "c", accepted: true },
  ]);
});

test("close() sends what is buffered, then refuses new events", async () => {
  const { server, client } = await start(acceptAll, { maxBatchAgeMs: NEVER_BY_AGE });
  const sent = [client.send(click("a")), client.send(click("b"))];
  await client.close();
  assert.equal(server.requests.length, 1);
  assert.deepEqual((await Promise.all(sent)).map((o) => o.accepted), [true, true]);
  await assert.rejects(client.send(click("c")), ClosedError);
});

test("a missing event_id is generated and a missing timestamp is now", async () => {
  const { server, client } = await start(acceptAll);
  const before = BigInt(Date.now());
  const outcome = await client.send({ payload: { case: "launch", value: {} } });
  const event = server.requests[0].events[0];
  assert.equal(event.eventId, outcome.eventId);
  assert.match(event.eventId, /^[0-9a-f-]{36}$/);
  assert.ok(event.timestampMs >= before);
});

test("an event message reused by the caller is sent as it was at send()", async () => {
  const { server, client } = await start(acceptAll, { maxBatchAgeMs: NEVER_BY_AGE });
  const event = create(EventSchema, click("a"));
  const sent = [client.send(event)];
  event.eventId = "b";
  sent.push(client.send(event));
  await client.close();
  assert.deepEqual((await Promise.all(sent)).map((o) => o.eventId), ["a", "b"]);
  assert.deepEqual(server.requests[0].events.map((e) => e.eventId), ["a", "b"]);
});

test("invalid options are refused by name", () => {
  assert.throws(() => new EventClient({ baseUrl: "http://127.0.0.1:1", maxBatchEvents: 0 }), /maxBatchEvents/);
  assert.throws(() => new EventClient({}), /baseUrl or transport/);
});

test("backoff is jittered below the capped exponential step", () => {
  for (let attempt = 1; attempt <= 10; attempt++) {
    const wait = backoffMs(attempt, 100, 1000);
    assert.ok(wait >= 0 && wait <= Math.min(1000, 100 * 2 ** (attempt - 1)));
  }
});
