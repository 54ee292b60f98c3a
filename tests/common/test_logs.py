from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterator

import pytest

from reach.common.logs import configure_logging

pytestmark = pytest.mark.unit


@pytest.fixture
def root_handlers() -> Iterator[None]:
    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    yield
    root.handlers[:] = saved
    root.setLevel(level)


def test_logs_follow_stderr_when_it_is_swapped(
    root_handlers: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = io.StringIO()
    monkeypatch.setattr(sys, "stderr", first)
    configure_logging()
    logging.getLogger("reach.test").info("one", extra={"sink": "event"})
    first.close()  # as a CLI runner's or a test's capture is, once it is done

    second = io.StringIO()
    monkeypatch.setattr(sys, "stderr", second)
    logging.getLogger("reach.test").warning("two")

    entry = json.loads(second.getvalue())
    assert (entry["level"], entry["logger"], entry["msg"]) == ("warning", "reach.test", "two")
