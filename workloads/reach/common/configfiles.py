"""Reading a config file the operator mounts (a ScrapeFlow's flow.yaml, a TableSync's
sync.yaml): every way the file can be unreadable becomes one `ConfigFileError` naming the path,
so the CLI answers with a message and its usage exit code instead of a traceback. Called by
`reach.scraper.flowconfig` and `reach pipelines sync`; what the document must hold is theirs.
"""

from __future__ import annotations

from pathlib import Path

import yaml


class ConfigFileError(ValueError):
    """A config file that could not be read as YAML, with the path and the reason."""


def read_yaml(path: Path) -> object:
    """The YAML document in `path` (UTF-8)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigFileError(
            f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None
    except OSError as exc:
        raise ConfigFileError(f"{path}: {exc.strerror or exc}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigFileError(f"{path}: not YAML: {exc}") from None
    except RecursionError:
        raise ConfigFileError(f"{path}: not YAML this reader takes: nested too deeply") from None
