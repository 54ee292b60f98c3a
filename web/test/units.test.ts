// The dashboard's pure parts under Node's test runner (bundled by run.mjs): numbers and times for
// people, problems a person can act on, the search request. Run by tests/web/test_units.py.
import assert from "node:assert/strict";
import { test } from "node:test";
import { problemOf } from "../src/api";
import { count, day, exact, percent, share, when } from "../src/format";
import { EMPTY, searchBody } from "../src/search";

test("numbers read as people say them", () => {
  assert.equal(count(1_234_567), "1.2M");
  assert.equal(count(854_935), "854.9K");
  assert.equal(count(999), "999");
  assert.equal(count(null), "–");
  assert.equal(exact(1_234_567), "1,234,567");
  assert.equal(percent(3.4449), "3.4%");
  assert.equal(percent(undefined), "–");
  assert.equal(share(0.717), "71.7%");
});

test("times are in the viewer's zone, calendar days are not shifted", () => {
  // run.mjs runs this file with TZ=Asia/Kolkata (UTC+05:30) and an en-US locale.
  assert.equal(when("2026-12-04T21:00:00Z"), "Dec 5, 2026, 2:30 AM");
  assert.equal(day("2026-12-01"), "Dec 1, 2026");
  assert.equal(when(null), "–");
});

function envelope(code: string, message: string, details: Record<string, unknown> = {}) {
  return { data: null, status: "ERROR", error: { code, message, details } };
}

test("an expired or revoked token asks to sign in again", () => {
  const problem = problemOf(401, envelope("TOKEN_EXPIRED", "the token has expired"), new Headers());
  assert.equal(problem.kind, "sign-in");
  assert.match(problem.message, /expired.*Sign in again/);
});

test("a 429 says when the limit resets", () => {
  const reset = "2027-01-01T00:00:00+00:00";
  const problem = problemOf(429, envelope("LIMIT_EXCEEDED", "over", { reset_at: reset }), new Headers());
  assert.equal(problem.kind, "limit");
  assert.equal(problem.kind === "limit" && problem.resetAt?.toISOString(), "2027-01-01T00:00:00.000Z");
  const before = Date.now();
  const hinted = problemOf(429, null, new Headers({ "retry-after": "60" }));
  assert.ok(hinted.kind === "limit" && hinted.resetAt && hinted.resetAt.getTime() >= before + 60_000);
});

test("an upstream failure carries the request id, from the body or the header", () => {
  const body = problemOf(502, envelope("UPSTREAM_UNAVAILABLE", "down", { request_id: "rid-body-1" }), new Headers());
  assert.deepEqual(body, { kind: "unavailable", message: "down", requestId: "rid-body-1" });
  const header = problemOf(503, null, new Headers({ "x-request-id": "rid-header-2" }));
  assert.deepEqual(header, { kind: "unavailable", message: "HTTP 503", requestId: "rid-header-2" });
  assert.equal(problemOf(422, envelope("VALIDATION_FAILED", "size: too big"), new Headers()).kind, "refused");
});

test("the search request leaves blank filters out and sends numbers as numbers", () => {
  const filters = { ...EMPTY, category: " Fitness ", followers_min: "1000", engagement_max: "2.5" };
  assert.deepEqual(searchBody(filters, "engagement_rate", "asc", "c1"), {
    sort: "engagement_rate",
    order: "asc",
    size: 20,
    category: "Fitness",
    followers_min: 1000,
    engagement_max: 2.5,
    cursor: "c1",
  });
  assert.deepEqual(searchBody(EMPTY, "followers", "desc", null), { sort: "followers", order: "desc", size: 20 });
});
