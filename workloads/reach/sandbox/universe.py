"""Deterministic synthetic creators for the sandbox upstreams: Instagram accounts with posts,
followers and comments, YouTube channels with videos, comments and playlists. Everything is
derived from (seed, index) on demand, so a universe of any size costs no memory and the same
seed gives the same creators in every process (tests, benchmarks, standalone).

Ids encode their indexes, so any id or handle resolves back in O(1): handles end in the
creator's index, shortcodes and video ids carry the creator's and the post's. Every fourth
Instagram account is personal (not business): the Graph API cannot see it, the other sources
can. Some followers look fake (digit-heavy handles, names in another script than the handle),
which is what follower analysis scores.
"""

from __future__ import annotations

import hashlib
import random
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

_B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
EPOCH = datetime(2026, 6, 1, tzinfo=UTC)
MAX_POSTS = 500
MAX_FOLLOWERS = 5000
MAX_COMMENTS = 500
MAX_LIKERS = 1000

FIRST_FEMALE = [
    "priya",
    "ananya",
    "kavya",
    "isha",
    "meera",
    "sneha",
    "diya",
    "riya",
    "sara",
    "nisha",
]
FIRST_MALE = [
    "arjun",
    "rohan",
    "vikram",
    "rahul",
    "aditya",
    "karan",
    "nikhil",
    "dev",
    "amit",
    "sameer",
]
LAST = ["sharma", "verma", "iyer", "reddy", "gupta", "nair", "patel", "singh", "das", "menon"]
CATEGORIES = [
    "food",
    "travel",
    "fashion",
    "fitness",
    "tech",
    "beauty",
    "comedy",
    "music",
    "finance",
]
# (city, country, latitude, longitude): where creators live, and the place their posts are
# tagged at.
CITIES = [
    ("Mumbai", "IN", 19.07609, 72.877426),
    ("Delhi", "IN", 28.704059, 77.10249),
    ("Bengaluru", "IN", 12.971599, 77.594566),
    ("Chennai", "IN", 13.08268, 80.270718),
    ("Kolkata", "IN", 22.572646, 88.363895),
    ("Hyderabad", "IN", 17.385044, 78.486671),
    ("Pune", "IN", 18.52043, 73.856744),
    ("Dubai", "AE", 25.204849, 55.270783),
    ("London", "GB", 51.507351, -0.127758),
]
# A place's location id is this plus the city's index in CITIES.
PLACE_IDS = 213_000_000
# Follower display names in Indic scripts (Devanagari, Tamil, Bengali).
SCRIPT_NAMES = ["राहुल शर्मा", "प्रिया वर्मा", "அருண் குமார்", "প্রিয়া দাস", "अमित सिंह"]
POSITIVE = ["love this", "amazing", "so beautiful", "great work", "awesome", "best ever"]
NEGATIVE = ["worst", "boring", "hate this", "so bad", "fake", "disappointing"]
NEUTRAL = ["where is this", "what camera", "first", "when is the next one", "ok", "seen"]
TAGS = {
    "food": ["foodie", "streetfood", "recipe"],
    "travel": ["wanderlust", "travelgram", "mountains"],
    "fashion": ["ootd", "style", "streetstyle"],
    "fitness": ["workout", "gym", "yoga"],
    "tech": ["gadgets", "unboxing", "review"],
    "beauty": ["makeup", "skincare", "glow"],
    "comedy": ["funny", "memes", "standup"],
    "music": ["cover", "singing", "guitar"],
    "finance": ["investing", "money", "stocks"],
}


def b62(n: int, width: int) -> str:
    digits = []
    while n:
        n, r = divmod(n, 62)
        digits.append(_B62[r])
    return "".join(reversed(digits)).rjust(width, "0")


def unb62(text: str) -> int:
    n = 0
    for ch in text:
        n = n * 62 + _B62.index(ch)
    return n


def item_id(kind: str, owner: int, index: int) -> str:
    """A post's shortcode (kind `C`) or a video's id (`v`): the kind, then the owner's index
    and the item's index in base 62."""
    return kind + b62(owner, 4) + b62(index, 6)


def item_of(ident: str, kind: str) -> tuple[int, int] | None:
    """The owner's and the item's index of an `item_id` of `kind`; None for other text."""
    if len(ident) != 11 or not ident.startswith(kind):
        return None
    try:
        return unb62(ident[1:5]), unb62(ident[5:])
    except ValueError:
        return None


@dataclass(frozen=True)
class Creator:
    index: int
    handle: str
    profile_id: str
    full_name: str
    gender: str
    category: str
    city: str
    country: str
    followers: int
    following: int
    media_count: int
    is_business: bool
    is_verified: bool
    engagement: float

    @property
    def biography(self) -> str:
        return f"{self.category.title()} creator from {self.city}. Collabs: {self.handle}@mail.com"


@dataclass(frozen=True)
class Post:
    creator: Creator
    index: int
    post_id: str
    shortcode: str
    caption: str
    kind: str  # image, video, carousel
    likes: int
    comments: int
    plays: int | None
    taken_at: datetime
    # Every other post, from the newest, is tagged at its creator's city.
    place: Place | None = None


@dataclass(frozen=True)
class Place:
    """A location posts are tagged at: a city of CITIES."""

    location_id: str
    name: str
    lat: float
    lng: float


def place(city: str) -> Place:
    index = next(i for i, (name, *_) in enumerate(CITIES) if name == city)
    return _place(index)


def _place(index: int) -> Place:
    name, _, lat, lng = CITIES[index]
    return Place(str(PLACE_IDS + index), name, lat, lng)


def place_by_id(location_id: str) -> Place | None:
    index = int(location_id) - PLACE_IDS if location_id.isdigit() else -1
    return _place(index) if 0 <= index < len(CITIES) else None


@dataclass(frozen=True)
class Story:
    creator: Creator
    index: int
    story_id: str
    code: str
    is_video: bool
    taken_at: datetime

    @property
    def expiring_at(self) -> datetime:
        return self.taken_at + timedelta(hours=24)


@dataclass(frozen=True)
class Person:
    profile_id: str
    handle: str
    full_name: str


@dataclass(frozen=True)
class Remark:
    comment_id: str
    text: str
    author: Person
    created_at: datetime


@dataclass(frozen=True)
class Channel:
    index: int
    channel_id: str
    handle: str
    title: str
    category: str
    country: str
    subscribers: int
    total_views: int
    video_count: int


@dataclass(frozen=True)
class Video:
    channel: Channel
    index: int
    video_id: str
    title: str
    tags: list[str]
    duration_s: int
    views: int
    likes: int
    comments: int
    published_at: datetime


@dataclass(frozen=True)
class Playlist:
    """A channel's playlist: its uploads (`UU` + the channel id's tail, every video) or one of
    its own (`PL` + the tail + the playlist's index, every video whose index it shares modulo
    the channel's playlist count)."""

    channel: Channel
    playlist_id: str
    title: str
    video_indexes: range


class Universe:
    def __init__(self, seed: int = 1, creators: int = 1000) -> None:
        self.seed = seed
        self.size = creators

    def _rng(self, *key: object) -> random.Random:
        return random.Random(f"{self.seed}:" + ":".join(str(k) for k in key))

    # Instagram -------------------------------------------------------------------------------

    def creator(self, index: int) -> Creator | None:
        if not 0 <= index < self.size:
            return None
        rng = self._rng("ig", index)
        gender = rng.choice(["female", "male"])
        first = rng.choice(FIRST_FEMALE if gender == "female" else FIRST_MALE)
        last = rng.choice(LAST)
        city, country, *_ = rng.choice(CITIES)
        followers = int(10 ** rng.uniform(3.5, 6.5))
        return Creator(
            index=index,
            handle=f"{first}.{last}{index}",
            profile_id=str(17_841_400_000_000_000 + index),
            full_name=f"{first.title()} {last.title()}",
            gender=gender,
            category=CATEGORIES[index % len(CATEGORIES)],
            city=city,
            country=country,
            followers=followers,
            following=rng.randint(50, 2000),
            media_count=rng.randint(20, 800),
            is_business=index % 4 != 3,
            is_verified=followers > 1_000_000,
            engagement=rng.uniform(0.01, 0.06),
        )

    def handles(self, limit: int | None = None) -> list[str]:
        count = self.size if limit is None else min(limit, self.size)
        return [c.handle for i in range(count) if (c := self.creator(i))]

    def by_handle(self, handle: str) -> Creator | None:
        digits = len(handle) - len(handle.rstrip(string.digits))
        if not digits:
            return None
        creator = self.creator(int(handle[-digits:]))
        return creator if creator and creator.handle == handle.lower() else None

    def by_profile_id(self, profile_id: str) -> Creator | None:
        if not profile_id.isdigit():
            return None
        return self.creator(int(profile_id) - 17_841_400_000_000_000)

    def post_count(self, creator: Creator) -> int:
        return min(creator.media_count, MAX_POSTS)

    def post(self, creator: Creator, index: int) -> Post | None:
        if not 0 <= index < self.post_count(creator):
            return None
        rng = self._rng("post", creator.index, index)
        tags = rng.sample(TAGS[creator.category], 2)
        likes = max(0, int(creator.followers * creator.engagement * rng.uniform(0.5, 1.5)))
        kind = ("video", "image", "carousel")[index % 3]
        return Post(
            creator=creator,
            index=index,
            post_id=str(30_000_000_000_000 + creator.index * 1000 + index),
            shortcode=item_id("C", creator.index, index),
            caption=(
                f"{rng.choice(POSITIVE).capitalize()} day in {creator.city} #{tags[0]} #{tags[1]}"
            ),
            kind=kind,
            likes=likes,
            comments=max(0, int(likes * rng.uniform(0.005, 0.03))),
            plays=likes * rng.randint(5, 20) if kind == "video" else None,
            taken_at=EPOCH - timedelta(days=2 * index, hours=rng.randint(0, 40)),
            place=place(creator.city) if index % 2 == 0 else None,
        )

    def reel_count(self, creator: Creator) -> int:
        """Reels are the videos, every third post from the newest."""
        return -(-self.post_count(creator) // 3)

    def reel(self, creator: Creator, index: int) -> Post | None:
        return self.post(creator, 3 * index) if 0 <= index < self.reel_count(creator) else None

    def tagged_count(self, creator: Creator) -> int:
        """Posts of others tagging the account: none for every fourth account."""
        return (creator.index % 4) * 7

    def tagged(self, creator: Creator, index: int) -> Post | None:
        """The tagging posts, by the three accounts after this one in turn."""
        if not 0 <= index < self.tagged_count(creator) or self.size < 4:
            return None
        author = self.creator((creator.index + 1 + index % 3) % self.size)
        return self.post(author, index // 3) if author else None

    def hashtag_posts(self, hashtag: str) -> list[Post]:
        """Posts carrying `#hashtag` among the ten latest of each creator of the category the
        tag belongs to, newest first."""
        tag = hashtag.lstrip("#").lower()
        category = next((c for c, tags in TAGS.items() if tag in tags), None)
        if category is None:
            return []
        creators = (
            self.creator(i) for i in range(CATEGORIES.index(category), self.size, len(CATEGORIES))
        )
        return self._latest(creators, lambda post: f"#{tag}" in post.caption.split())

    def location_posts(self, found: Place) -> list[Post]:
        """Posts tagged at the place among the ten latest of each creator living there,
        newest first."""
        creators = (c for i in range(self.size) if (c := self.creator(i)) and c.city == found.name)
        return self._latest(creators, lambda post: post.place == found)

    def _latest(
        self, creators: Iterable[Creator | None], keep: Callable[[Post], bool]
    ) -> list[Post]:
        """The posts `keep` keeps among the ten latest of each of `creators`, newest first."""
        found = [
            post
            for creator in creators
            if creator
            for index in range(10)
            if (post := self.post(creator, index)) and keep(post)
        ]
        return sorted(found, key=lambda p: p.taken_at, reverse=True)

    def by_shortcode(self, shortcode: str) -> Post | None:
        found = item_of(shortcode, "C")
        creator = self.creator(found[0]) if found else None
        return self.post(creator, found[1]) if found and creator else None

    def by_post_id(self, post_id: str) -> Post | None:
        if not post_id.isdigit():
            return None
        owner, index = divmod(int(post_id) - 30_000_000_000_000, 1000)
        creator = self.creator(owner)
        return self.post(creator, index) if creator else None

    def insights_day(self, creator: Creator, day: date) -> dict[str, int]:
        """A business account's insights of `day`: accounts reached, times its media were seen,
        profile visits, website taps, and its followers then (a few per day fewer back then)."""
        rng = self._rng("insights", creator.index, day.isoformat())
        reach = int(creator.followers * rng.uniform(0.05, 0.3))
        days_ago = max(0, (EPOCH.date() - day).days)
        return {
            "reach": reach,
            "impressions": int(reach * rng.uniform(1.2, 3.0)),
            "profile_views": int(reach * rng.uniform(0.01, 0.05)),
            "website_clicks": int(reach * rng.uniform(0.001, 0.01)),
            "follower_count": max(0, creator.followers - days_ago * rng.randint(0, 20)),
        }

    def post_insights(self, post: Post) -> dict[str, int]:
        """A post's lifetime insights: reach, impressions, saves, shares, and every interaction
        (likes, comments, saves and shares) together."""
        rng = self._rng("post-insights", post.post_id)
        saved = int(post.likes * rng.uniform(0.01, 0.1))
        shares = int(post.likes * rng.uniform(0.005, 0.05))
        reach = int(post.creator.followers * rng.uniform(0.1, 0.6))
        return {
            "reach": reach,
            "impressions": int(reach * rng.uniform(1.1, 2.0)),
            "saved": saved,
            "shares": shares,
            "total_interactions": post.likes + post.comments + saved + shares,
        }

    def demographics(self, creator: Creator, breakdown: str) -> list[tuple[str, int]]:
        """The account's followers counted per bucket of `breakdown` (gender as Instagram
        writes it: F, M, U; age; country code; city), largest first; empty for another
        breakdown."""
        buckets = {
            "gender": ["F", "M", "U"],
            "age": ["13-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+"],
            "country": sorted({country for _, country, *_ in CITIES}),
            "city": [city for city, *_ in CITIES],
        }.get(breakdown, [])
        rng = self._rng("demographics", creator.index, breakdown)
        weights = [rng.uniform(0.05, 1.0) for _ in buckets]
        total = sum(weights)
        counts = [
            (b, int(creator.followers * w / total)) for b, w in zip(buckets, weights, strict=True)
        ]
        return sorted(counts, key=lambda c: -c[1])

    def story_count(self, creator: Creator) -> int:
        """Live stories: none for every fifth account, up to four for the others."""
        return creator.index % 5

    def story(self, creator: Creator, index: int) -> Story | None:
        if not 0 <= index < self.story_count(creator):
            return None
        rng = self._rng("story", creator.index, index)
        return Story(
            creator=creator,
            index=index,
            story_id=str(40_000_000_000_000 + creator.index * 100 + index),
            code=item_id("S", creator.index, index),
            is_video=index % 2 == 1,
            taken_at=EPOCH - timedelta(hours=5 * index, minutes=rng.randint(0, 59)),
        )

    def follower_count(self, creator: Creator) -> int:
        return min(creator.followers, MAX_FOLLOWERS)

    def follower(self, creator: Creator, index: int) -> Person:
        pid = str(60_000_000_000 + creator.index * 100_000 + index)
        return self._person(pid, index, "follower", creator.index, index)

    def following_count(self, creator: Creator) -> int:
        return min(creator.following, MAX_FOLLOWERS)

    def followed(self, creator: Creator, index: int) -> Person:
        """The `index`th account the creator follows."""
        pid = str(70_000_000_000 + creator.index * 100_000 + index)
        return self._person(pid, index, "followed", creator.index, index)

    def liker_count(self, post: Post) -> int:
        return min(post.likes, MAX_LIKERS)

    def liker(self, post: Post, index: int) -> Person:
        pid = str(80_000_000_000 + int(post.post_id) % 10**7 * 1000 + index)
        return self._person(pid, index, "liker", post.post_id, index)

    def _person(self, pid: str, index: int, *key: object) -> Person:
        """An account with id `pid`, drawn from `key`; every fifth looks like a bot."""
        rng = self._rng(*key)
        kind = index % 5
        if kind == 0:  # a bot-like account: digits and no name
            return Person(pid, f"user{rng.randint(10**7, 10**9)}", "")
        if kind == 1:  # a name in an Indic script, a Latin handle
            return Person(
                pid,
                f"{rng.choice(FIRST_MALE + FIRST_FEMALE)}_{rng.randint(1, 99)}",
                rng.choice(SCRIPT_NAMES),
            )
        first, last = rng.choice(FIRST_FEMALE + FIRST_MALE), rng.choice(LAST)
        return Person(
            pid, f"{first}.{last}{rng.randint(1, 999)}", f"{first.title()} {last.title()}"
        )

    def comment_count(self, post: Post) -> int:
        return min(post.comments, MAX_COMMENTS)

    def comment(self, post_key: str, index: int) -> Remark:
        rng = self._rng("comment", post_key, index)
        text = rng.choice([rng.choice(POSITIVE), rng.choice(NEGATIVE), rng.choice(NEUTRAL)])
        first, last = rng.choice(FIRST_FEMALE + FIRST_MALE), rng.choice(LAST)
        digest = hashlib.sha1(f"{self.seed}:{post_key}:{index}".encode()).hexdigest()
        return Remark(
            comment_id=str(int(digest[:15], 16)),
            text=text,
            author=Person(
                str(int(digest[15:25], 16)), f"{first}_{last}", f"{first.title()} {last.title()}"
            ),
            created_at=EPOCH - timedelta(minutes=index * 7 + rng.randint(0, 6)),
        )

    # YouTube ---------------------------------------------------------------------------------

    def channel(self, index: int) -> Channel | None:
        if not 0 <= index < self.size:
            return None
        rng = self._rng("yt", index)
        first, last = rng.choice(FIRST_FEMALE + FIRST_MALE), rng.choice(LAST)
        category = CATEGORIES[(index * 7) % len(CATEGORIES)]
        tail = hashlib.sha256(f"{self.seed}:yt:{index}".encode()).digest()
        filler = "".join(_B62[b % 62] for b in tail[:16])
        subscribers = int(10 ** rng.uniform(3, 7))
        return Channel(
            index=index,
            channel_id="UC" + b62(index, 6) + filler,
            handle=f"{first}{last}{index}",
            title=f"{first.title()} {last.title()} {category.title()}",
            category=category,
            country=rng.choice(CITIES)[1],
            subscribers=subscribers,
            total_views=subscribers * rng.randint(20, 300),
            video_count=rng.randint(10, 400),
        )

    def channel_ids(self, limit: int | None = None) -> list[str]:
        count = self.size if limit is None else min(limit, self.size)
        return [c.channel_id for i in range(count) if (c := self.channel(i))]

    def by_channel_id(self, channel_id: str) -> Channel | None:
        if len(channel_id) != 24 or not channel_id.startswith("UC"):
            return None
        try:
            channel = self.channel(unb62(channel_id[2:8]))
        except ValueError:
            return None
        return channel if channel and channel.channel_id == channel_id else None

    def by_channel_handle(self, handle: str) -> Channel | None:
        handle = handle.lstrip("@").lower()
        digits = len(handle) - len(handle.rstrip(string.digits))
        if not digits:
            return None
        channel = self.channel(int(handle[-digits:]))
        return channel if channel and channel.handle == handle else None

    def video(self, channel: Channel, index: int) -> Video | None:
        if not 0 <= index < min(channel.video_count, MAX_POSTS):
            return None
        rng = self._rng("video", channel.index, index)
        views = int(channel.subscribers * rng.uniform(0.02, 0.5))
        likes = int(views * rng.uniform(0.01, 0.06))
        return Video(
            channel=channel,
            index=index,
            video_id=item_id("v", channel.index, index),
            title=f"{rng.choice(POSITIVE).title()} {channel.category} vlog #{index}",
            tags=rng.sample(TAGS[channel.category], 2),
            duration_s=rng.randint(15, 59) if index % 4 == 0 else rng.randint(240, 1800),
            views=views,
            likes=likes,
            comments=int(likes * rng.uniform(0.01, 0.05)),
            published_at=EPOCH - timedelta(days=3 * index, hours=rng.randint(0, 60)),
        )

    def by_video_id(self, video_id: str) -> Video | None:
        found = item_of(video_id, "v")
        channel = self.channel(found[0]) if found else None
        return self.video(channel, found[1]) if found and channel else None

    def playlist_count(self, channel: Channel) -> int:
        return 1 + channel.index % 4

    def playlist(self, channel: Channel, index: int) -> Playlist | None:
        count = self.playlist_count(channel)
        if not 0 <= index < count:
            return None
        mood = self._rng("playlist", channel.index, index).choice(POSITIVE)
        return Playlist(
            channel=channel,
            playlist_id=f"PL{channel.channel_id[2:]}{index:010d}",
            title=f"{mood.title()}: {channel.category} {index + 1}",
            video_indexes=range(index, min(channel.video_count, MAX_POSTS), count),
        )

    def by_playlist_id(self, playlist_id: str) -> Playlist | None:
        """A channel's own playlist, or its uploads."""
        channel = self.by_channel_id("UC" + playlist_id[2:24])
        kind, index = playlist_id[:2], playlist_id[24:]
        if channel is None:
            return None
        if kind == "UU" and not index:
            videos = range(min(channel.video_count, MAX_POSTS))
            return Playlist(channel, playlist_id, f"Uploads from {channel.title}", videos)
        if kind == "PL" and len(index) == 10 and index.isdigit():
            return self.playlist(channel, int(index))
        return None

    def search_channels(self, keyword: str) -> list[Channel]:
        """Channels whose title or category holds `keyword` (case-insensitive), by index."""
        word = keyword.lower()
        found = []
        for i in range(self.size):
            channel = self.channel(i)
            if channel and (word in channel.title.lower() or word == channel.category):
                found.append(channel)
        return found
