"""The command line every script in bench/ shares: its options from their defaults, the run, and
the one JSON line it prints last. The bench scripts call `run`."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from collections.abc import Callable, Coroutine
from typing import Any


def run(
    main: Callable[[argparse.Namespace], Coroutine[Any, Any, dict[str, object]]],
    doc: str,
    **defaults: float,
) -> None:
    """Parses one `--<name>` option per default (typed as its default; `batch_rows` is
    `--batch-rows`), awaits `main` with them and prints its figures as one JSON line, followed
    by the options it ran with (a figure of the same name wins) and the machine's cores."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    for name, default in defaults.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(default), default=default)
    options = vars(parser.parse_args())
    figures = asyncio.run(main(argparse.Namespace(**options)))
    ran_with = {name: value for name, value in options.items() if name not in figures}
    print(json.dumps({**figures, **ran_with, "cores": os.cpu_count()}))
