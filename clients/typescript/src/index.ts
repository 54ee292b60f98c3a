// The package's public surface: the client, and the event types generated from events.proto
// at build time (message schemas for `create`, `toJson`, `fromJson` of @bufbuild/protobuf).

export * from "./client.js";
export * from "./gen/reach/common/events/events_pb.js";
