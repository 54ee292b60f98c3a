"""The Indian first-name list and the name-match feature (0-100). Called by `scorer`.

The list (data/indian_first_names.txt.gz, 19,922 romanized given names; sources, licences and
how to rebuild it in data/NAMES.md) is read once per process. A word's score is its best
`fuzz.ratio` against the list, which is the seed's (2*ratio + token_sort + token_set)/4 for
single words. Scores are cached per word because first names repeat across followers.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from functools import cache
from importlib.resources import files
from typing import Final

import numpy as np
from rapidfuzz import fuzz, process

# Beyond this many cached words the cache restarts, which bounds a long shard's memory.
_CACHE_WORDS: Final = 200_000


@cache
def indian_first_names() -> tuple[str, ...]:
    """The bundled first-name list, sorted, loaded once."""
    packed = files("reach.followers").joinpath("data/indian_first_names.txt.gz").read_bytes()
    return tuple(line for line in gzip.decompress(packed).decode("ascii").splitlines() if line)


@cache
def _by_length() -> dict[int, list[str]]:
    groups: dict[int, list[str]] = {}
    for name in indian_first_names():
        groups.setdefault(len(name), []).append(name)
    return groups


@cache
def _neighbours() -> dict[str, tuple[str, ...]]:
    """Each name and each of its one-letter deletions -> the names it comes from: two words at
    edit distance one share an entry, so a word's nearest names are a few lookups away."""
    index: dict[str, list[str]] = {}
    for name in indian_first_names():
        for key in {name, *_deletions(name)}:
            index.setdefault(key, []).append(name)
    return {key: tuple(found) for key, found in index.items()}


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _ceiling(length: int, other: int) -> float:
    """The best fuzz.ratio a word of `length` can reach with a name of length `other` that is
    not its neighbour. fuzz.ratio is 100 * (1 - indel / (length + other)); a non-neighbour is
    at least two insertions or deletions away, at least the length difference, and indel has
    the parity of length + other."""
    indel = max(2, abs(length - other))
    indel += (indel + length + other) % 2
    return 100 * (1 - indel / (length + other))


class NameMatcher:
    """Best match of words against the list; exact hits are free, the rest are compared with
    the names of the lengths that could still beat the best score found so far."""

    def __init__(self) -> None:
        self._known = frozenset(indian_first_names())
        self._scores: dict[str, float] = {}

    def scores(self, words: Iterable[str]) -> dict[str, float]:
        """Score of each distinct non-empty word (0-100)."""
        wanted = {word for word in words if word}
        missing = [word for word in wanted if word not in self._scores]
        if len(self._scores) + len(missing) > _CACHE_WORDS:
            self._scores.clear()
            missing = list(wanted)
        self._scores.update((word, 100.0) for word in missing if word in self._known)
        unknown: dict[int, list[str]] = {}
        for word in missing:
            if word not in self._known:
                unknown.setdefault(len(word), []).append(word)
        for length, group in unknown.items():
            self._scores.update(zip(group, self._best(length, group), strict=True))
        return {word: self._scores[word] for word in wanted}

    @staticmethod
    def _best(length: int, words: list[str]) -> list[float]:
        neighbours = _neighbours()
        best = np.zeros(len(words), dtype=np.float32)
        for i, word in enumerate(words):
            near = {name for key in _deletions(word) | {word} for name in neighbours.get(key, ())}
            if near:
                best[i] = max(fuzz.ratio(word, name) for name in near)
        pending = np.asarray(words, dtype=object)
        groups = _by_length()
        # Lengths in falling order of the best ratio a non-neighbour allows: a word stops being
        # compared once that ceiling cannot beat its best so far, since no later length can.
        for other in sorted(groups, key=lambda o: -_ceiling(length, o)):
            active = np.flatnonzero(best < _ceiling(length, other))
            if not active.size:
                break
            matrix = process.cdist(
                list(pending[active]), groups[other], scorer=fuzz.ratio, dtype=np.float32
            )
            best[active] = np.maximum(best[active], matrix.max(axis=1))
        return [round(float(v), 2) for v in best]
