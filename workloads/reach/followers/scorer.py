"""The five-feature follower scorer (pure, no I/O). Called by the tests and the shard runner.

Pipeline per follower: NFKC, script detection by Unicode block on the NFKC text, then anyascii
folds every fancy-letter family and transliterates the Indic scripts to Latin, then lowercase.
Features follow the seed: non-Indic script (0/1), digits in the handle (fake above 4),
handle/name correlation (0/1/2), fuzzy handle/name similarity (0-100) and the best match of the
first name against the Indian first-name list (0-100). Batches go through rapidfuzz's
vectorized `cdist`/`cpdist` so a batch costs a few C loops, not a Python loop per pair.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Final

import numpy as np
from anyascii import anyascii
from rapidfuzz import fuzz, process

REAL: Final = 0.0
WEAK_FAKE: Final = 0.33
FAKE: Final = 1.0

# Longer names are display-name spam; cutting them bounds the cost of one follower.
MAX_FIELD_CHARS: Final = 256
MAX_DIGITS: Final = 4
SIMILARITY_REAL: Final = 70
NAME_MATCH_REAL: Final = 85

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
_LETTERS = re.compile(r"[a-z]+")
_DIGITS = re.compile(r"[0-9]")
# anyascii spells emoji as ":slightly_smiling_face:"; those words are not part of a name.
_EMOJI_WORD = re.compile(r":[a-z0-9_]+:")
# Parenthesized letters fold to "(r)(a)"; dropping the brackets keeps the word whole.
_ASPIRATE = re.compile(r"([kgcjtdpbs])h")
_NASAL_M = re.compile(r"m(?=[kgcjtd])")
_SKELETON_FOLD = str.maketrans({"c": "s", "g": "k", "z": "j"})
_SKELETON_DROP = re.compile(r"[aeiouvwy`']")
_REPEATS = re.compile(r"(.)\1+")
_PARENTHESIZED = re.compile(r"\(([a-z0-9])\)")


@dataclass(frozen=True, slots=True)
class Follower:
    """One follower as read from the relationship log; bytes are accepted from raw sources."""

    handle: str | bytes
    name: str | bytes


@dataclass(frozen=True, slots=True)
class Score:
    """The features, the seed's class, a continuous score and the reasons that fired."""

    fake_class: float
    score: float
    reasons: tuple[str, ...]
    non_indic_script: int
    digit_count: int
    handle_name_correlation: int
    similarity: int
    indian_name_score: int
    scripts: frozenset[str]


def consonant_skeleton(word: str) -> str:
    """The consonants of a romanized name, with the distinctions Indic romanization blurs
    folded away: Urdu writes few vowels and anyascii drops the inherent vowel of the Brahmic
    scripts ("दीपक" -> "dipk"), Tamil does not tell k/g or s/c apart, aspiration is written
    or not, and an anusvara comes out as "m" before a stop ("vemktes")."""
    folded = _ASPIRATE.sub(r"\1", word).translate(_SKELETON_FOLD)
    return _NASAL_M.sub("n", _REPEATS.sub(r"\1", _SKELETON_DROP.sub("", folded)))


@cache
def _name_skeletons() -> tuple[str, ...]:
    return tuple(sorted({consonant_skeleton(name) for name in indian_first_names()} - {""}))


def _best_matches(words: set[str], choices: tuple[str, ...]) -> dict[str, int]:
    unique = sorted(word for word in words if word)
    if not unique:
        return {}
    matrix = process.cdist(unique, choices, scorer=fuzz.ratio, dtype=np.uint8)
    return dict(zip(unique, (int(v) for v in matrix.max(axis=1)), strict=True))


@cache
def indian_first_names() -> tuple[str, ...]:
    """The bundled first-name list (see data/README.md for its origin), loaded once."""
    text = files("reach.followers").joinpath("data/indian_first_names.txt").read_text("utf-8")
    return tuple(line for line in text.splitlines() if line)


def _decode(value: str | bytes, reasons: list[str]) -> str:
    if isinstance(value, bytes):
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError:
            reasons.append("invalid_utf8")
            text = value.decode("utf-8", errors="replace")
    else:
        text = value
    if len(text) > MAX_FIELD_CHARS:
        reasons.append("truncated")
        text = text[:MAX_FIELD_CHARS]
    return text


def detect_scripts(text: str) -> frozenset[str]:
    """Names of the Indic and non-Indic scripts present in `text` (Latin is not reported)."""
    found: set[str] = set()
    for char in text:
        code = ord(char)
        if code < 0x0370:
            continue
        for script, low, high in INDIC_BLOCKS + NON_INDIC_BLOCKS:
            if low <= code <= high:
                found.add(script)
                break
    return frozenset(found)


def is_non_indic(scripts: frozenset[str]) -> bool:
    """True when any detected script is outside the 10 Indic scripts."""
    return bool(scripts - INDIC_SCRIPTS)


def normalize(text: str) -> str:
    """NFKC, fancy-letter folding and Indic transliteration to ASCII, then lowercase."""
    folded = anyascii(unicodedata.normalize("NFKC", text)).lower()
    return _PARENTHESIZED.sub(r"\1", _EMOJI_WORD.sub(" ", folded))


def _correlation(handle_letters: str, tokens: list[str]) -> int:
    compact = "".join(tokens)
    long_enough = len(compact) >= 3 and len(handle_letters) >= 3
    if long_enough and (compact in handle_letters or handle_letters in compact):
        return 2
    if any(len(token) >= 3 and token in handle_letters for token in tokens):
        return 1
    return 0


def _ensemble(
    non_indic: int, digits: int, correlation: int, similarity: int, name_score: int
) -> tuple[float, float, list[str]]:
    reasons: list[str] = []
    if non_indic:
        reasons.append("non_indic_script")
    if digits > MAX_DIGITS:
        reasons.append("many_digits")
    if reasons:
        return FAKE, 1.0, reasons
    # Below the hard rules the continuous score is the missing evidence of a real person: the
    # stronger of the handle/name agreement and the first-name match, scaled into the
    # weak-fake band so it never exceeds a hard-rule fake.
    evidence = max(similarity, name_score, correlation * 50)
    score = round(WEAK_FAKE * (100 - evidence) / 100, 4)
    if correlation >= 1 or similarity >= SIMILARITY_REAL or name_score >= NAME_MATCH_REAL:
        return REAL, score, reasons
    if correlation == 0:
        reasons.append("handle_name_mismatch")
    if similarity < SIMILARITY_REAL:
        reasons.append("low_similarity")
    if name_score < NAME_MATCH_REAL:
        reasons.append("not_indian_name")
    return WEAK_FAKE, score, reasons


def score_batch(followers: list[Follower]) -> list[Score]:
    """Score a batch; each follower gets a Score, garbage input included (with a reason)."""
    notes: list[list[str]] = [[] for _ in followers]
    handles: list[str] = []
    names: list[str] = []
    scripts: list[frozenset[str]] = []
    for follower, note in zip(followers, notes, strict=True):
        raw_handle = _decode(follower.handle, note)
        raw_name = _decode(follower.name, note)
        scripts.append(detect_scripts(unicodedata.normalize("NFKC", raw_name)))
        handles.append(normalize(raw_handle))
        names.append(normalize(raw_name))
        if not raw_name.strip():
            note.append("empty_name")
        elif not _LETTERS.search(names[-1]):
            note.append("no_letters_in_name")
    handle_letters = ["".join(_LETTERS.findall(handle)) for handle in handles]
    tokens = [_LETTERS.findall(name) for name in names]
    compact = ["".join(parts) for parts in tokens]
    similarity = process.cpdist(handle_letters, compact, scorer=fuzz.ratio, dtype=np.uint8)
    firsts = [parts[0] if parts else "" for parts in tokens]
    # Names written in an Indic script also match by consonant skeleton; Urdu only by it, since
    # its romanization has almost no vowels to compare.
    indic = [not found.isdisjoint(INDIC_SCRIPTS) for found in scripts]
    urdu = ["urdu" in found for found in scripts]
    best = _best_matches(
        {f for f, u in zip(firsts, urdu, strict=True) if not u}, indian_first_names()
    )
    skeleton_of = [consonant_skeleton(f) if i else "" for f, i in zip(firsts, indic, strict=True)]
    best_skeleton = _best_matches(set(skeleton_of), _name_skeletons())
    results: list[Score] = []
    for i, note in enumerate(notes):
        non_indic = int(is_non_indic(scripts[i]))
        digits = min(len(_DIGITS.findall(handles[i])), 255)
        correlation = _correlation(handle_letters[i], tokens[i])
        sim = int(similarity[i]) if handle_letters[i] and compact[i] else 0
        direct = 0 if urdu[i] else best.get(firsts[i], 0)
        name_score = max(direct, best_skeleton.get(skeleton_of[i], 0))
        fake_class, score, reasons = _ensemble(non_indic, digits, correlation, sim, name_score)
        results.append(
            Score(
                fake_class=fake_class,
                score=score,
                reasons=tuple(note + reasons),
                non_indic_script=non_indic,
                digit_count=digits,
                handle_name_correlation=correlation,
                similarity=sim,
                indian_name_score=name_score,
                scripts=scripts[i],
            )
        )
    return results
