"""The five-feature follower scorer (pure, no I/O). Called by the shard runner and the tests.

Per follower: NFKC; script detection by Unicode block; the 10 Indic scripts romanized with ICU
(`transliteration`); every other fancy letter folded to ASCII by anyascii; then the seed's
cleaning (separators to spaces, letters only, lowercase). The features and the ensemble are the
seed's, rule for rule:

- non-Indic script in the name (0/1);
- digits in the raw handle, fake above 4;
- similarity (0-100): the best, over the orderings of the name's words (each word alone past
  4 words), of (2*partial_ratio + token_sort_ratio + token_set_ratio)/4 against the handle,
  both without spaces;
- handle/name correlation: a handle with `_`, `-` or `.` and a one-word name is 0 when the
  similarity is above 80, else 1; with a longer name 0; a handle without them 2;
- the Indian first-name score (0-100; `names`), reported but not in the ensemble, as in the seed.

Ensemble, first rule wins: non-Indic -> fake; 0 < similarity <= 40 -> weak fake; more than 4
digits -> fake; correlation 1 -> fake; else real. Batches go through rapidfuzz's `cpdist`, so a
batch costs a few C loops rather than a Python loop per pair.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import permutations
from typing import Final, NamedTuple

import numpy as np
from anyascii import anyascii
from rapidfuzz import fuzz, process

from reach.followers.contract import FAKE, REAL, WEAK_FAKE
from reach.followers.names import NameMatcher
from reach.followers.transliteration import romanize

# Longer names are display-name spam; cutting them bounds the cost of one follower.
MAX_FIELD_CHARS: Final = 256
MAX_DIGITS: Final = 4
WEAK_SIMILARITY: Final = 40
CORRELATED_SIMILARITY: Final = 80
# 4 words make 24 orderings; past that the seed compares each word alone.
MAX_PERMUTED_WORDS: Final = 4
SEPARATORS: Final = frozenset("_-.")

INDIC_BLOCKS: Final[tuple[tuple[str, int, int], ...]] = (
    ("devanagari", 0x0900, 0x097F),
    ("bengali", 0x0980, 0x09FF),
    ("gurmukhi", 0x0A00, 0x0A7F),
    ("gujarati", 0x0A80, 0x0AFF),
    ("odia", 0x0B00, 0x0B7F),
    ("tamil", 0x0B80, 0x0BFF),
    ("telugu", 0x0C00, 0x0C7F),
    ("kannada", 0x0C80, 0x0CFF),
    ("malayalam", 0x0D00, 0x0D7F),
    ("urdu", 0x0600, 0x06FF),
    ("urdu", 0x0750, 0x077F),
    ("urdu", 0xFB50, 0xFDFF),
    ("urdu", 0xFE70, 0xFEFF),
)
INDIC_SCRIPTS: Final = frozenset(script for script, _, _ in INDIC_BLOCKS)
# The seed flagged Greek, Armenian, Georgian, CJK and Hangul; the issue widens this to the other
# non-Latin scripts a follower from India would not write a name in.
NON_INDIC_BLOCKS: Final[tuple[tuple[str, int, int], ...]] = (
    ("greek", 0x0370, 0x03FF),
    ("greek", 0x1F00, 0x1FFF),
    ("cyrillic", 0x0400, 0x052F),
    ("armenian", 0x0530, 0x058F),
    ("hebrew", 0x0590, 0x05FF),
    ("thai", 0x0E00, 0x0E7F),
    ("georgian", 0x10A0, 0x10FF),
    ("hangul", 0x1100, 0x11FF),
    ("hangul", 0x3130, 0x318F),
    ("hangul", 0xAC00, 0xD7AF),
    ("ethiopic", 0x1200, 0x137F),
    ("kana", 0x3040, 0x30FF),
    ("cjk", 0x3400, 0x4DBF),
    ("cjk", 0x4E00, 0x9FFF),
)
_BLOCKS: Final = INDIC_BLOCKS + NON_INDIC_BLOCKS
_INDIC_CHARS: Final = (
    "".join(f"{chr(low)}-{chr(high)}" for _, low, high in INDIC_BLOCKS) + "\u200c\u200d"
)
# A run of Indic words is romanized as one piece so ICU sees word ends.
_INDIC_RUN: Final = re.compile(f"[{_INDIC_CHARS}]+(?:\\s+[{_INDIC_CHARS}]+)*")
# anyascii spells emoji as ":slightly_smiling_face:"; those words are not part of a name.
_EMOJI_WORD: Final = re.compile(r":[a-z0-9_]+:")
# Parenthesized letters fold to "(r)(a)"; dropping the brackets keeps the word whole.
_PARENTHESIZED: Final = re.compile(r"\(([a-z0-9])\)")
_SEPARATOR: Final = re.compile(r"[_.\-]")
_NOT_LETTER: Final = re.compile(r"[^a-z\s]+")
_ASCII_DIGIT: Final = re.compile(r"[0-9]")


@dataclass(frozen=True, slots=True)
class Follower:
    """One follower as read from the relationship log; bytes are accepted from raw sources."""

    handle: str | bytes
    name: str | bytes


class Score(NamedTuple):
    """The seed's class and features, a continuous score and the reasons that fired.

    `reasons` lists input problems first, then every ensemble rule that held, in rule order:
    the first of those decided `fake_class`. A named tuple, because a shard builds millions."""

    fake_class: float
    score: float
    reasons: tuple[str, ...]
    non_indic_script: int
    digit_count: int
    handle_name_correlation: int
    similarity: float
    indian_name_score: float
    scripts: frozenset[str]


@cache
def _matcher() -> NameMatcher:
    return NameMatcher()


def detect_scripts(text: str) -> frozenset[str]:
    """Names of the Indic and non-Indic scripts present in `text` (Latin is not reported)."""
    if text.isascii():
        return frozenset()
    found: set[str] = set()
    for char in text:
        code = ord(char)
        if code < 0x0370:
            continue
        for script, low, high in _BLOCKS:
            if low <= code <= high:
                found.add(script)
                break
    return frozenset(found)


def is_non_indic(scripts: frozenset[str]) -> bool:
    """True when any detected script is outside the 10 Indic scripts."""
    return bool(scripts - INDIC_SCRIPTS)


def normalize(text: str) -> str:
    """NFKC, the Indic scripts romanized, every other fancy letter folded, lowercase ASCII."""
    if text.isascii():
        # Most handles and names: NFKC and the folding leave ASCII as it is.
        return text.lower()
    nfkc = unicodedata.normalize("NFKC", text)
    romanized = _INDIC_RUN.sub(lambda run: f" {romanize(run.group())} ", nfkc)
    folded = anyascii(romanized).lower()
    return _PARENTHESIZED.sub(r"\1", _EMOJI_WORD.sub(" ", folded))


def clean(text: str) -> tuple[str, ...]:
    """The seed's cleaning of a normalized handle or name, as its words: separators split
    words, anything but a-z goes."""
    return tuple(_NOT_LETTER.sub("", _SEPARATOR.sub(" ", text)).split())


@lru_cache(maxsize=1 << 16)
def _candidates(words: tuple[str, ...]) -> tuple[str, ...]:
    if not words:
        return ("",)
    if len(words) > MAX_PERMUTED_WORDS:
        return tuple(dict.fromkeys(words))
    return tuple(dict.fromkeys("".join(order) for order in permutations(words)))


def similarities(handles: list[str], names: list[tuple[str, ...]]) -> list[float]:
    """The seed's similarity of each compact handle to its name's words (0-100)."""
    # Each follower's candidates are a run in queries/choices (never an empty one); its score
    # is the best of its run.
    starts: list[int] = []
    queries: list[str] = []
    choices: list[str] = []
    for handle, words in zip(handles, names, strict=True):
        candidates = _candidates(words)
        starts.append(len(choices))
        queries.extend([handle] * len(candidates))
        choices.extend(candidates)
    if not queries:
        return []
    partial, token_sort, token_set = (
        process.cpdist(queries, choices, scorer=scorer, dtype=np.float64)
        for scorer in (fuzz.partial_ratio, fuzz.token_sort_ratio, fuzz.token_set_ratio)
    )
    combined = (2 * partial + token_sort + token_set) / 4
    return [float(v) for v in np.maximum.reduceat(combined, starts)]


def correlation(raw_handle: str, name_words: tuple[str, ...], similarity: float) -> int:
    """The seed's handle/name correlation: 0 agree, 1 disagree, 2 cannot tell."""
    if SEPARATORS.isdisjoint(raw_handle):
        return 2
    if len(name_words) > 1:
        return 0
    return 0 if similarity > CORRELATED_SIMILARITY else 1


def ensemble(
    non_indic: int, similarity: float, digits: int, handle_name_correlation: int
) -> tuple[float, list[str]]:
    """The seed's class and the rules that held, in the order the seed applies them."""
    fired = []
    if non_indic:
        fired.append("non_indic_script")
    if 0 < similarity <= WEAK_SIMILARITY:
        fired.append("low_similarity")
    if digits > MAX_DIGITS:
        fired.append("many_digits")
    if handle_name_correlation == 1:
        fired.append("handle_name_mismatch")
    if not fired:
        return REAL, fired
    return (WEAK_FAKE if fired[0] == "low_similarity" else FAKE), fired


def continuous_score(fake_class: float, similarity: float, name_score: float) -> float:
    """A score in [0, 1] that ranks followers within a class: fakes are 1.0, weak fakes fill
    [0.33, 0.66] and real followers [0, 0.33], higher the less the handle looks like the name
    and the less the name looks like an Indian first name."""
    if fake_class == FAKE:
        return 1.0
    doubt = (200 - similarity - name_score) / 200
    return round(fake_class + WEAK_FAKE * doubt, 4)


def _decode(value: str | bytes, notes: list[str]) -> str:
    if isinstance(value, bytes):
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError:
            if "invalid_utf8" not in notes:
                notes.append("invalid_utf8")
            text = value.decode("utf-8", errors="replace")
    else:
        text = value
    if len(text) > MAX_FIELD_CHARS:
        if "truncated" not in notes:
            notes.append("truncated")
        text = text[:MAX_FIELD_CHARS]
    return text


@lru_cache(maxsize=1 << 16)
def _read_name(raw_name: str) -> tuple[frozenset[str], tuple[str, ...]]:
    # Display names repeat across followers (and across creators), so they are read once.
    return detect_scripts(unicodedata.normalize("NFKC", raw_name)), clean(normalize(raw_name))


def _digit_count(raw_handle: str) -> int:
    if raw_handle.isascii():
        return len(_ASCII_DIGIT.findall(raw_handle))
    # The seed counts whatever str.isdigit accepts (Arabic-Indic, Devanagari, superscripts).
    return sum(char.isdigit() for char in raw_handle)


def score_batch(followers: list[Follower]) -> list[Score]:
    """Score a batch; each follower gets a Score, garbage input included (with a reason)."""
    notes: list[list[str]] = [[] for _ in followers]
    raw_handles: list[str] = []
    scripts: list[frozenset[str]] = []
    handles: list[str] = []
    names: list[tuple[str, ...]] = []
    for follower, note in zip(followers, notes, strict=True):
        raw_handle = _decode(follower.handle, note)
        raw_name = _decode(follower.name, note)
        raw_handles.append(raw_handle)
        handles.append("".join(clean(normalize(raw_handle))))
        found, words = _read_name(raw_name)
        scripts.append(found)
        names.append(words)
        if not words:
            note.append("no_letters_in_name" if raw_name.strip() else "empty_name")
    similarity = similarities(handles, names)
    word_scores = _matcher().scores(word for words in names for word in words[:2])
    results: list[Score] = []
    for i, note in enumerate(notes):
        non_indic = int(is_non_indic(scripts[i]))
        digits = _digit_count(raw_handles[i])
        corr = correlation(raw_handles[i], names[i], similarity[i])
        name_score = max([word_scores[word] for word in names[i][:2]], default=0.0)
        fake_class, fired = ensemble(non_indic, similarity[i], digits, corr)
        results.append(
            Score(
                fake_class=fake_class,
                score=continuous_score(fake_class, similarity[i], name_score),
                reasons=(*note, *fired),
                non_indic_script=non_indic,
                digit_count=digits,
                handle_name_correlation=corr,
                similarity=round(similarity[i], 2),
                indian_name_score=name_score,
                scripts=scripts[i],
            )
        )
    return results
