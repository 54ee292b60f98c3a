"""The event wire format (events.proto) shared by the ingestion service and its publishers."""
