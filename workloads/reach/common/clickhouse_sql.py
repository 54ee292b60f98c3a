"""ClickHouse SQL text: quoting literals and identifiers, and the error code in an exception's
message. Standard library only, so declarative modules (table definitions the operator reads)
can use it without loading a client."""

from __future__ import annotations

import re

_CODE = re.compile(r"Code: (\d+)")


def quote_string(text: str) -> str:
    """A ClickHouse single-quoted string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def quote_identifier(name: str) -> str:
    return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`"


def error_code(message: str) -> int | None:
    """The `Code: N` ClickHouse puts in its error text, if there is one."""
    match = _CODE.search(message)
    return int(match[1]) if match else None
