"""The social networks Reach scrapes and analyses: the one `SocialNetwork` type every custom
resource, CLI option, flow parameter and API model names (`network: instagram`). Standard library
only, so contracts and the operator can use it."""

from __future__ import annotations

from typing import Literal, get_args

SocialNetwork = Literal["instagram", "youtube"]
SOCIAL_NETWORKS: tuple[SocialNetwork, ...] = get_args(SocialNetwork)
