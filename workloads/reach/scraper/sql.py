"""Named SQL queries kept in `.sql` files beside the code that runs them.

A file holds blocks that start with `-- name: <name>`; the comment lines right after document
the query. A block that starts with `-- part: <name>` is a piece of SQL several queries share
(a join they all make): a query line `{<name>}` stands for it, indented as that line is, so the
piece is written once. Keeping SQL in SQL files lets it be read, linted and explained as SQL;
the queue manager and the processing stage load theirs once at import.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType

_BLOCK = re.compile(r"^--\s*(name|part):\s*([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)
# A part's line; the `;` a part that ends its statement may carry is the statement's.
_USE = re.compile(r"^(\s*)\{([a-z_][a-z0-9_]*)\};?\s*$")


class QueryFileError(ValueError):
    pass


def parse_queries(text: str) -> Mapping[str, str]:
    """Maps each `-- name:` block of `text` to its SQL, comments removed and parts put in."""
    parts = _BLOCK.split(text)
    pieces: dict[str, str] = {}
    queries: dict[str, str] = {}
    for kind, name, body in zip(parts[1::3], parts[2::3], parts[3::3], strict=True):
        # Only blank lines are stripped: a part may start indented, inside a statement.
        sql = "\n".join(_lines(name, body, pieces)).strip("\n").rstrip()
        what, defined = ("query", queries) if kind == "name" else ("part", pieces)
        if not sql.strip():
            raise QueryFileError(f"{what} {name!r} is empty")
        if name in defined:
            raise QueryFileError(f"{what} {name!r} is defined twice")
        defined[name] = sql.rstrip(";")
    return MappingProxyType(queries)


def _lines(name: str, body: str, pieces: Mapping[str, str]) -> list[str]:
    """The block's SQL lines, a `{part}` line replaced by the part (defined above it)."""
    lines: list[str] = []
    for line in body.splitlines():
        if line.lstrip().startswith("--"):
            continue
        use = _USE.match(line)
        if use is None:
            lines.append(line)
            continue
        indent, part = use.groups()
        if part not in pieces:
            raise QueryFileError(f"{name!r} uses part {part!r}, not defined above it")
        lines.extend(indent + piece for piece in pieces[part].splitlines())
    return lines


def load_queries(package: str, filename: str) -> Mapping[str, str]:
    return parse_queries((resources.files(package) / filename).read_text(encoding="utf-8"))
