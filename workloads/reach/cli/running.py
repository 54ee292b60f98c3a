"""Helpers every verb uses to start: settings that fail readably, logging set up once."""

from __future__ import annotations

from typing import TypeVar

import typer
from pydantic_settings import BaseSettings

from reach.common.settings import SettingsError, load_settings

S = TypeVar("S", bound=BaseSettings)


def settings_or_exit(model: type[S]) -> S:
    """The settings, or exit code 2 with the variables at fault on stderr."""
    try:
        return load_settings(model)
    except SettingsError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
