// Every test vector (one event per payload type, ../testdata/events.json) sent through
// EventClient to a real `reach ingest serve`. The Python test that starts the server passes its
// address and a run id, and afterwards checks that each accepted event landed in ClickHouse
// exactly once with the same field values; here, each event's verdict is checked.

import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import { EventClient, EventSchema } from "../src/index.js";

const baseUrl = process.env.REACH_EVENTS_URL;
const run = process.env.REACH_EVENTS_RUN;

interface Vector {
  payload: string;
  accepted: boolean;
  event: JsonValue;
}

test(
  "every payload type reaches a real ingestion server with the expected verdict",
  { skip: baseUrl === undefined || run === undefined ? "REACH_EVENTS_URL and REACH_EVENTS_RUN not set" : false },
  async () => {
    const path = new URL("../../../testdata/events.json", import.meta.url);
    const { vectors } = JSON.parse(await readFile(path, "utf8")) as { vectors: Vector[] };
    const client = new EventClient({ baseUrl: baseUrl!, maxBatchEvents: 10 });
    const outcomes = vectors.map((vector) => {
      const event = fromJson(EventSchema, vector.event);
      event.eventId = `${run}-${vector.payload}`;
      return client.send(event);
    });
    await client.close();
    for (const [index, vector] of vectors.entries()) {
      const outcome = await outcomes[index];
      assert.equal(outcome.eventId, `${run}-${vector.payload}`);
      assert.equal(outcome.accepted, vector.accepted, `${vector.payload}: ${JSON.stringify(outcome)}`);
      if (!outcome.accepted) assert.match(outcome.reason, /not accepted over gRPC/);
    }
  },
);
