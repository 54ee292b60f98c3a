"""Config files the operator mounts: any bytes in the file are read or refused with the path
and a reason, never a traceback (the CLI's part is checked through the real `reach`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reach.common.configfiles import ConfigFileError, read_yaml
from reach.testing import fuzzing

REACH = str(Path(sys.executable).with_name("reach"))
FUZZ = settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])

# What a config file may hold: YAML documents of any shape, nesting past any parser's stack,
# and bytes that are not text.
CONFIG_FILES = st.one_of(
    fuzzing.JSON_VALUES.map(fuzzing.json_bytes),  # JSON is YAML
    st.text(fuzzing.ANY_CHAR, max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.binary(max_size=200),
    # Depths either side of the parser's recursion limit.
    st.sampled_from([10, 900, 1100, 4000]).map(lambda n: b"[" * n + b"]" * n),
    st.sampled_from([10, 900, 1100, 4000]).map(lambda n: b"- " * n + b"1"),
    st.just(b"a: &a [*a, *a]\nb: [*a, *a, *a, *a, *a, *a, *a, *a, *a]"),
)


@pytest.mark.unit
@FUZZ
@given(content=CONFIG_FILES)
def test_any_file_is_read_or_refused_with_its_path(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "config.yaml"
    path.write_bytes(content)
    try:
        read_yaml(path)
    except ConfigFileError as exc:
        assert str(exc).startswith(f"{path}: ")


@pytest.mark.unit
def test_a_missing_file_is_refused_with_its_path(tmp_path: Path) -> None:
    with pytest.raises(ConfigFileError, match="No such file"):
        read_yaml(tmp_path / "absent.yaml")


@pytest.mark.service
@pytest.mark.parametrize(
    "command",
    [
        ["pipelines", "sync", "fuzzed", "--config", "{path}"],
        ["scraper", "worker", "--flow", "refresh_instagram_profile", "--config", "{path}"],
    ],
)
@pytest.mark.parametrize(
    "content",
    [b"\xff\xfe not text", b"[" * 20_000 + b"]" * 20_000, b"{", b"- 1\n- 2", b"source: 7"],
    ids=["not-utf8", "deep", "not-yaml", "a-list", "wrong-type"],
)
def test_the_cli_answers_a_bad_config_with_a_message_and_exit_2(
    tmp_path: Path, command: list[str], content: bytes, postgres_dsn: str
) -> None:
    path = tmp_path / "config.yaml"
    path.write_bytes(content)
    done = subprocess.run(
        [REACH, *(part.format(path=path) for part in command)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "REACH_POSTGRES_DSN": postgres_dsn,
             "REACH_DATA_DIR": str(tmp_path)},
    )  # fmt: skip
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert f"error: {path}" in done.stderr or "error: fuzzed" in done.stderr, done.stderr[-2000:]
