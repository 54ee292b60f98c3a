// Sends N events through EventClient as fast as it takes them, for bench/clients.py: prints one
// JSON line with what the server accepted and how long it took. Run after `npm run build`:
//   node dist/bench/send.js http://127.0.0.1:8017 200000 some-prefix

import { EventClient, type Outcome } from "../src/index.js";

const [baseUrl, count, prefix] = process.argv.slice(2);
const client = new EventClient({ baseUrl });
const started = performance.now();
const sent: Promise<Outcome>[] = [];
for (let i = 0; i < Number(count); i++) {
  sent.push(
    client.send({
      eventId: `${prefix}-${i}`,
      userId: "user-42",
      channel: "android",
      appVersion: "5.12.0",
      payload: { case: "pageOpened", value: { page: "creator/123", previousPage: "search" } },
    }),
  );
}
await client.close();
const seconds = (performance.now() - started) / 1000;
const outcomes = await Promise.allSettled(sent);
const accepted = outcomes.filter((o) => o.status === "fulfilled" && o.value.accepted).length;
console.log(JSON.stringify({ sent: sent.length, accepted, seconds }));
