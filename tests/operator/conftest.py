"""Fixtures for the operator's tests: the samples as parsed specs, and the owner they get."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import reach.testing.operating
from reach.operator.builders.common import Owner

SAMPLES = Path(__file__).resolve().parents[2] / "crds" / "samples"


def load_samples() -> dict[str, dict[str, Any]]:
    """kind -> the (first) sample custom resource of that kind."""
    return reach.testing.operating.load_samples(SAMPLES)


def every_sample() -> list[dict[str, Any]]:
    return reach.testing.operating.every_sample(SAMPLES)


@pytest.fixture(scope="session")
def samples() -> dict[str, dict[str, Any]]:
    return load_samples()


def owner_of(doc: dict[str, Any], namespace: str = "team-a") -> Owner:
    return Owner(doc["kind"], doc["metadata"]["name"], namespace, f"uid-{doc['metadata']['name']}")
