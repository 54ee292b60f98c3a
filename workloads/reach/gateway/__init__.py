"""The gateway (`reach gateway serve`, port 8009): what brands' dashboards and partners' scripts
call. It verifies a JWT and its Redis session, looks up the partner's plan, sets and signs the
`x-bb-*` headers and proxies the API's service prefixes. See `layers` for the pipeline."""
