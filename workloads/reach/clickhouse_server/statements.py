"""ClickHouse HTTP requests -> statements the embedded engine can run. Pure functions.

The HTTP interface's rules (https://clickhouse.com/docs/interfaces/http): the statement is the
`query` parameter, a line feed and the body, or the body alone; an `INSERT ... FORMAT name`
takes the bytes after the format name (and one line break) as its data; URL parameters other
than the interface's own are settings, and `param_x` binds `{x:Type}`. The engine takes no data
stream, so data is spooled to a file and the INSERT is rewritten to read it: `FROM INFILE` for
`INSERT INTO t [(cols)]`, and the `file()` table function in place of `input()` for
`INSERT INTO t SELECT ... FROM input('structure')`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from reach.common.clickhouse_sql import quote_string

# Parameters the HTTP interface consumes itself; they never reach the engine as settings.
TRANSPORT_PARAMETERS = frozenset(
    {
        "query",
        "database",
        "default_format",
        "user",
        "password",
        "quota_key",
        "query_id",
        "session_id",
        "session_timeout",
        "session_check",
        "compress",
        "decompress",
        "buffer_size",
        "wait_end_of_query",
        "client_protocol_version",
        "role",
        "enable_http_compression",
        "http_zlib_compression_level",
        "send_progress_in_http_headers",
        "http_headers_progress_interval_ms",
        "cancel_http_readonly_queries_on_client_close",
    }
)
DEFAULT_FORMAT = "TabSeparated"
_SETTING_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class BadRequest(ValueError):
    """The request cannot become a statement; `code` is the ClickHouse error code to report."""

    def __init__(self, message: str, code: int = 62) -> None:  # 62: SYNTAX_ERROR
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Word:
    text: str
    start: int
    end: int
    depth: int


def words(sql: bytes) -> Iterator[Word]:
    """The bare words of `sql` with their parenthesis depth, skipping string literals, quoted
    identifiers and comments, so a keyword inside a literal is never taken for the keyword."""
    i, n, depth = 0, len(sql), 0
    while i < n:
        c = sql[i : i + 1]
        if c in (b"'", b'"', b"`"):
            i = _skip_quoted(sql, i)
        elif sql.startswith(b"--", i) or c == b"#":
            newline = sql.find(b"\n", i)
            i = n if newline < 0 else newline + 1
        elif sql.startswith(b"/*", i):
            close = sql.find(b"*/", i + 2)
            i = n if close < 0 else close + 2
        elif c == b"(":
            depth += 1
            i += 1
        elif c == b")":
            depth -= 1
            i += 1
        elif c.isalpha() or c == b"_":
            start = i
            while i < n and (sql[i : i + 1].isalnum() or sql[i : i + 1] == b"_"):
                i += 1
            yield Word(sql[start:i].decode("ascii"), start, i, depth)
        else:
            i += 1


def _skip_quoted(sql: bytes, start: int) -> int:
    quote = sql[start]
    i = start + 1
    while i < len(sql):
        if sql[i] == 0x5C:  # a backslash escapes the next byte
            i += 2
        elif sql[i] == quote:
            if sql[i + 1 : i + 2] == bytes([quote]):  # a doubled quote is one quote
                i += 2
            else:
                return i + 1
        else:
            i += 1
    raise BadRequest("unterminated quoted string or identifier")


@dataclass(frozen=True)
class Statement:
    """What to run. `verb` is its first keyword. `data` is set for an INSERT that carries data;
    `sql_for(path)` is then the statement reading it from `path`. `output_format` is the FORMAT
    clause of a query, if any."""

    sql: str
    verb: str
    data: bytes | None = None
    output_format: str | None = None
    around_path: tuple[str, str] = field(default=("", ""), repr=False)

    def sql_for(self, path: str) -> str:
        before, after = self.around_path
        return f"{before}{quote_string(path)}{after}"


def statement_text(query_parameter: str | None, body: bytes) -> bytes:
    if query_parameter and body:
        return query_parameter.encode() + b"\n" + body
    return query_parameter.encode() if query_parameter else body


def parse(text: bytes) -> Statement:
    """The statement in `text` (see the module's docstring)."""
    all_words = _statement_words(text)
    if not all_words:
        raise BadRequest("empty query")
    verb = all_words[0].text.upper()
    if verb != "INSERT":
        return Statement(_decode(text), verb, output_format=_trailing_format(all_words))
    fmt = _insert_format(all_words)
    if fmt is None:  # VALUES or SELECT: the statement carries its rows itself
        return Statement(_decode(text), verb)
    keyword, name = fmt
    head = text[: keyword.start]
    data = _data_after(text, name.end)
    head_words = [w for w in all_words if w.end <= keyword.start]
    inputs = [
        w for w in head_words if w.text.lower() == "input" and text[w.end : w.end + 1] == b"("
    ]
    if inputs:
        call = inputs[0]
        close = _matching_paren(text, call.end)
        arguments = _decode(text[call.end + 1 : close])
        before = f"{_decode(head[: call.start])}file("
        after = f", {quote_string(name.text)}, {arguments}){_decode(head[close + 1 :])}"
        return Statement(_decode(head), verb, data=data, around_path=(before, after))
    if any(w.depth == 0 and w.text.upper() in ("SELECT", "WITH") for w in head_words[1:]):
        raise BadRequest("INSERT ... SELECT with data must read it through input()")
    settings = next((w for w in head_words if w.depth == 0 and w.text.upper() == "SETTINGS"), None)
    target = _decode(head[: settings.start] if settings else head).rstrip()
    tail = f" {_decode(head[settings.start :]).strip()}" if settings else ""
    return Statement(
        _decode(head),
        verb,
        data=data,
        around_path=(f"{target} FROM INFILE ", f"{tail} FORMAT {name.text}"),
    )


def _statement_words(text: bytes) -> list[Word]:
    """The words of the statement in `text`. An INSERT's data may be binary, so for an INSERT
    the scan stops at VALUES or at the name after FORMAT."""
    found: list[Word] = []
    for w in words(text):
        found.append(w)
        if found[0].text.upper() != "INSERT" or w.depth != 0:
            continue
        if w.text.upper() == "VALUES" or (
            len(found) > 2 and found[-2].depth == 0 and found[-2].text.upper() == "FORMAT"
        ):
            break
    return found


def _insert_format(ws: list[Word]) -> tuple[Word, Word] | None:
    for i, w in enumerate(ws):
        if w.depth != 0:
            continue
        upper = w.text.upper()
        if upper == "VALUES":
            return None
        if upper == "FORMAT":
            if i + 1 == len(ws):
                raise BadRequest("FORMAT without a format name")
            return w, ws[i + 1]
    return None


def _trailing_format(ws: list[Word]) -> str | None:
    top = [w for w in ws if w.depth == 0]
    if len(top) >= 2 and top[-2].text.upper() == "FORMAT":
        return top[-1].text
    return None


def _data_after(text: bytes, end: int) -> bytes:
    i = end
    while text[i : i + 1] in (b" ", b"\t"):
        i += 1
    if text.startswith(b"\r\n", i):
        i += 2
    elif text[i : i + 1] == b"\n":
        i += 1
    return text[i:]


def _matching_paren(text: bytes, open_at: int) -> int:
    depth = 0
    i = open_at
    while i < len(text):
        c = text[i : i + 1]
        if c in (b"'", b'"', b"`"):
            i = _skip_quoted(text, i)
            continue
        if c == b"(":
            depth += 1
        elif c == b")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise BadRequest("unbalanced parentheses in input()")


def _decode(sql: bytes) -> str:
    try:
        return sql.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("the statement is not UTF-8 text") from None


@dataclass(frozen=True)
class Parameters:
    """A request's URL parameters, split by who consumes them."""

    settings: dict[str, str]
    query_parameters: dict[str, str]
    database: str | None
    default_format: str
    query_id: str | None


def split_parameters(params: Mapping[str, str]) -> Parameters:
    settings: dict[str, str] = {}
    query_parameters: dict[str, str] = {}
    for key, value in params.items():
        if key.startswith("param_"):
            query_parameters[key.removeprefix("param_")] = value
        elif key not in TRANSPORT_PARAMETERS:
            if not _SETTING_NAME.match(key):
                raise BadRequest(f"bad setting name {key!r}", code=115)  # UNKNOWN_SETTING
            settings[key] = value
    return Parameters(
        settings=settings,
        query_parameters=query_parameters,
        database=params.get("database") or None,
        default_format=params.get("default_format") or DEFAULT_FORMAT,
        query_id=params.get("query_id") or None,
    )
