"""Named SQL queries kept in `.sql` files beside the code that runs them.

A file holds blocks that start with `-- name: <name>`; the comment lines right after document
the query. Keeping SQL in SQL files lets it be read, linted and explained as SQL; the queue
manager and the processing stage load theirs once at import.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType

_NAME = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)


class QueryFileError(ValueError):
    pass


def parse_queries(text: str) -> Mapping[str, str]:
    """Maps each `-- name:` block of `text` to its SQL, comments removed."""
    parts = _NAME.split(text)
    queries: dict[str, str] = {}
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        sql = "\n".join(
            line for line in body.splitlines() if not line.lstrip().startswith("--")
        ).strip()
        if not sql:
            raise QueryFileError(f"query {name!r} is empty")
        if name in queries:
            raise QueryFileError(f"query {name!r} is defined twice")
        queries[name] = sql.rstrip(";")
    return MappingProxyType(queries)


def load_queries(package: str, filename: str) -> Mapping[str, str]:
    return parse_queries((resources.files(package) / filename).read_text(encoding="utf-8"))
