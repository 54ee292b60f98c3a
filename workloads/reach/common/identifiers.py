"""What the platforms' identifiers look like, as regular expressions: the scraper's flows
accept these and the API validates against the same ones, so neither refuses what the other
takes."""

from __future__ import annotations

INSTAGRAM_HANDLE = r"^[A-Za-z0-9._]{1,30}$"
INSTAGRAM_SHORTCODE = r"^[A-Za-z0-9_-]{5,40}$"
# A place posts are tagged at (Instagram's location id: digits).
INSTAGRAM_LOCATION_ID = r"^[0-9]{1,20}$"
YOUTUBE_HANDLE = r"^@?[A-Za-z0-9._-]{3,30}$"
YOUTUBE_CHANNEL_ID = r"^UC[A-Za-z0-9_-]{22}$"
YOUTUBE_VIDEO_ID = r"^[A-Za-z0-9_-]{11}$"
# `PL...` (a creator's playlist), `UU...` (a channel's uploads) and the other two-letter kinds.
YOUTUBE_PLAYLIST_ID = r"^[A-Z]{2}[A-Za-z0-9_-]{10,70}$"
