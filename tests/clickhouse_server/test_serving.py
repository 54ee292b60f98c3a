"""`reach clickhouse serve` as its own process, reached through clickhouse-connect's HTTP client
(what every workload uses against a server) and through raw HTTP."""

from __future__ import annotations

import datetime
import gzip
from collections.abc import Iterator

import httpx
import pytest
from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import DatabaseError

from reach.common import clickhouse
from reach.testing.clickhouse import ClickHouseServer, connected, fresh_database

pytestmark = pytest.mark.service


@pytest.fixture
def client(clickhouse_server: ClickHouseServer) -> Iterator[Client]:
    with connected(clickhouse_server.url) as client:
        yield client


@pytest.fixture
def database(client: Client) -> Iterator[str]:
    with fresh_database(client) as name:
        yield name


def test_clickhouse_connect_inserts_and_reads_back_typed_rows(
    client: Client, database: str
) -> None:
    client.command(
        f"CREATE TABLE {database}.t (id UInt32, name String, at DateTime, tags Array(String)) "
        "ENGINE = MergeTree ORDER BY id"
    )
    rows = [
        [1, "ānanya", datetime.datetime(2026, 1, 1, 12, 0), ["a", "b"]],
        [2, "", datetime.datetime(2026, 1, 2), []],
    ]
    # clickhouse-connect compresses insert bodies with lz4 by default.
    client.insert(f"{database}.t", rows, column_names=["id", "name", "at", "tags"])

    result = client.query(
        f"SELECT id, name, at, tags FROM {database}.t WHERE id >= {{low:UInt32}} ORDER BY id",
        parameters={"low": 1},
    )
    assert [list(r) for r in result.result_rows] == rows
    assert client.command(f"SELECT count() FROM {database}.t") == 2
    assert client.query_arrow(f"SELECT id FROM {database}.t").num_rows == 2


def test_settings_apply_to_their_own_request_only(client: Client) -> None:
    def max_threads(**settings: object) -> str:
        rows = client.query("SELECT getSetting('max_threads')", settings=settings).result_rows
        return str(rows[0][0])

    default = max_threads()
    assert max_threads(max_threads=1) == "1"
    assert max_threads() == default


def test_the_database_parameter_picks_the_default_database(
    clickhouse_server: ClickHouseServer, client: Client, database: str
) -> None:
    client.command(f"CREATE TABLE {database}.u (a UInt8) ENGINE = Memory")
    scoped = clickhouse.get_client(dsn=clickhouse_server.url, database=database)
    try:
        scoped.insert("u", [[7]], column_names=["a"])
        assert scoped.query("SELECT a FROM u").result_rows == [(7,)]
    finally:
        scoped.close()
    assert client.query("SELECT currentDatabase()").result_rows == [("default",)]


def test_raw_http_inserts_with_the_query_in_the_url_or_in_the_body(
    clickhouse_server: ClickHouseServer, client: Client, database: str
) -> None:
    client.command(f"CREATE TABLE {database}.t (a UInt8, b String) ENGINE = Memory")
    url = clickhouse_server.url
    answer = httpx.post(url, params={"query": f"INSERT INTO {database}.t FORMAT CSV"},
                        content=b"1,x\n2,y\n")  # fmt: skip
    assert answer.status_code == 200, answer.text
    answer = httpx.post(
        url,
        content=gzip.compress(
            f'INSERT INTO {database}.t FORMAT JSONEachRow\n{{"a":3,"b":"z"}}'.encode()
        ),
        headers={"Content-Encoding": "gzip"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["X-ClickHouse-Query-Id"]

    answer = httpx.get(
        url, params={"query": f"SELECT a, b FROM {database}.t ORDER BY a FORMAT CSV"}
    )
    assert answer.text == '1,"x"\n2,"y"\n3,"z"\n'
    assert answer.headers["X-ClickHouse-Format"] == "CSV"
    assert httpx.get(f"{url}/ping").text == "Ok.\n"


@pytest.mark.parametrize(
    ("request_args", "status", "code"),
    [
        ({"params": {"query": "SELECT * FROM no_such_table"}}, 404, 60),
        ({"content": b"SELEC 1"}, 400, 62),
        ({"content": b"SELECT 'open"}, 400, 62),
        ({"content": b"SELECT 1", "headers": {"Content-Encoding": "br"}}, 400, 36),
        ({"content": b"\x00\x01", "headers": {"Content-Encoding": "gzip"}}, 400, 36),
    ],
)
def test_errors_carry_clickhouse_s_code_and_status(
    clickhouse_server: ClickHouseServer, request_args: dict[str, object], status: int, code: int
) -> None:
    answer = httpx.post(clickhouse_server.url, **request_args)  # type: ignore[arg-type]
    assert answer.status_code == status
    assert answer.headers["X-ClickHouse-Exception-Code"] == str(code)
    assert answer.text.startswith(f"Code: {code}.")


def test_get_requests_only_read(clickhouse_server: ClickHouseServer, database: str) -> None:
    answer = httpx.get(
        clickhouse_server.url,
        params={"query": f"CREATE TABLE {database}.x (a UInt8) ENGINE = Memory"},
    )
    assert answer.status_code == 403
    assert answer.headers["X-ClickHouse-Exception-Code"] == "164"
    assert "readonly" in answer.text


def test_clickhouse_connect_reports_the_server_s_error(client: Client) -> None:
    with pytest.raises(DatabaseError, match="UNKNOWN_TABLE") as caught:
        client.query("SELECT * FROM no_such_table")
    assert "Code: 60" in str(caught.value)
