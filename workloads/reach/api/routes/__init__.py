"""One router per module, under the seed's service prefixes; each route is a few lines that
read the request, call a service and wrap the answer in the envelope."""
