"""`python -m reach.cli` runs the `reach` command."""

from reach.cli.main import app

app()
