"""The rules of each module, between the routes and the repositories."""
