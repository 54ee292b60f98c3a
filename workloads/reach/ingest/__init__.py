"""Event ingestion: gRPC and webhooks -> RabbitMQ -> buffered ClickHouse sinks (`reach ingest`).

Layers: `routing` and `tables` declare where each payload goes and what its table holds;
`dispatching` and `webhooks` turn requests into stamped events (pure where they can be);
`publishing` and `topology` talk to RabbitMQ; `inserting` talks to ClickHouse; `sinking`,
`forwarding` and `redelivery` are the consumers; `serving` and `running` wire the processes.
The CLI (`reach.cli.ingest`) calls `serving.serve` and `running.run_sinks`; the operator's
EventSink reads `routing`, `tables` and `topology.queue_arguments`.
"""
