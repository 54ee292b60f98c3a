"""The custom resources' API (`reach.goodcreator.co/v1alpha1`): pydantic models are the single
source of truth; `crds/*.yaml` is generated from them by `make crds`."""

from reach.operator.api.common import GROUP, VERSION, CustomResource
from reach.operator.api.eventsink import EventSink
from reach.operator.api.followeranalysis import FollowerAnalysis
from reach.operator.api.leaderboard import Leaderboard
from reach.operator.api.platform import Platform
from reach.operator.api.scrapeflow import ScrapeFlow
from reach.operator.api.tablesync import TableSync

KINDS: tuple[type[CustomResource], ...] = (
    Platform,
    ScrapeFlow,
    EventSink,
    Leaderboard,
    TableSync,
    FollowerAnalysis,
)

__all__ = [
    "GROUP",
    "KINDS",
    "VERSION",
    "CustomResource",
    "EventSink",
    "FollowerAnalysis",
    "Leaderboard",
    "Platform",
    "ScrapeFlow",
    "TableSync",
]
