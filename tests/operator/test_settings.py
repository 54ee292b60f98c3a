from __future__ import annotations

import pytest

from reach.common.settings import SettingsError, load_settings
from reach.operator.settings import OperatorSettings

pytestmark = pytest.mark.unit


def test_reads_its_own_prefix_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REACH_RESYNC_SECONDS", "99")
    monkeypatch.setenv("REACH_OPERATOR_RESYNC_SECONDS", "3")
    assert load_settings(OperatorSettings).resync_seconds == 3


def test_malformed_value_is_rejected_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REACH_OPERATOR_RESYNC_SECONDS", "0")
    with pytest.raises(SettingsError, match="REACH_OPERATOR_RESYNC_SECONDS"):
        load_settings(OperatorSettings)


def test_lease_timings_must_nest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REACH_OPERATOR_RETRY_PERIOD_SECONDS", "10")
    with pytest.raises(SettingsError, match="retry_period_seconds must be shorter"):
        load_settings(OperatorSettings)
