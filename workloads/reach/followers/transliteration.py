"""Romanizes names written in the 10 Indic scripts (Devanagari, Bengali, Gurmukhi, Gujarati,
Odia, Tamil, Telugu, Kannada, Malayalam, Urdu) to lowercase ASCII. Called by
`scorer.normalize` for each run of Indic text in a name.

ICU (`Any-Latin; Latin-ASCII`, Unicode licence, fit for a SaaS product) does most of the work;
the fixes below were measured on real names where ICU's output was not the everyday spelling
(tests/followers/transliteration.tsv holds the names and the accuracy the tests require).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from typing import Final, Protocol

import icu  # type: ignore[import-untyped]

# Chillu letters are consonants without their vowel; ICU has no rule for them, so they become
# the consonant with an explicit virama, which it knows.
_CHILLU: Final = str.maketrans(
    {
        "\u0d7a": "\u0d23\u0d4d",
        "\u0d7b": "\u0d28\u0d4d",
        "\u0d7c": "\u0d30\u0d4d",
        "\u0d7d": "\u0d32\u0d4d",
        "\u0d7e": "\u0d33\u0d4d",
        "\u0d7f": "\u0d15\u0d4d",
    }
)
# ICU's Malayalam rules lack the two-part o/oo/au vowel signs ("mohan" comes out "meahan"). The
# Brahmic blocks share the ISCII layout, so Malayalam shifted down by 0x400 is the same text in
# Devanagari, whose rules are complete.
_MALAYALAM_TO_DEVANAGARI: Final = {code: code - 0x400 for code in range(0x0D00, 0x0D80)}
# ZWJ/ZWNJ only choose glyph shapes (old-style chillus are consonant + virama + ZWJ).
_JOINERS: Final = str.maketrans("", "", "\u200c\u200d")
# ICU drops the Gurmukhi tippi ("singh" comes out "sigha"); the bindi is the same nasal.
_TIPPI: Final = str.maketrans("\u0a70", "\u0a02")
# In these scripts (not Malayalam, which marks a silent vowel with a chillu or a virama) the
# inherent vowel of a word-final consonant is silent in speech and in the
# everyday spelling ("rahul", not "rahula"); a virama after it tells ICU so. A consonant that
# already follows a virama ends a cluster ("narendra") and keeps its vowel.
_SCHWA_BLOCKS: Final = (0x0900, 0x0980, 0x0A00, 0x0A80, 0x0B00)


def _final_consonant(base: int) -> re.Pattern[str]:
    consonants = f"{chr(base + 0x15)}-{chr(base + 0x39)}{chr(base + 0x58)}-{chr(base + 0x5F)}"
    nukta, virama = chr(base + 0x3C), chr(base + 0x4D)
    return re.compile(f"(?<!{virama})([{consonants}]{nukta}?)(?![{chr(base)}-{chr(base + 0x7F)}])")


_FINAL_CONSONANTS: Final = tuple((_final_consonant(b), chr(b + 0x4D)) for b in _SCHWA_BLOCKS)
# Punjabi does not say the inherent vowel of a consonant between a vowel and a consonant that
# carries one ("harbhajan", "kuldip", "gurprit"); Sanskrit-style Hindi names often keep it
# ("anupama"), so only Gurmukhi gets this rule. Read left to right: a consonant that lost its
# vowel does not count as a vowel for the next one.
_GURMUKHI_SYLLABLE: Final = re.compile(
    "(?P<consonants>[\u0a15-\u0a39\u0a59-\u0a5e]\u0a3c?(?:\u0a4d[\u0a15-\u0a39]\u0a3c?)*)"
    "(?P<sign>[\u0a3e-\u0a4d]?)(?P<marks>[\u0a01-\u0a03\u0a70-\u0a71\u0a75]*)"
    "|(?P<vowel>[\u0a05-\u0a14][\u0a01-\u0a03\u0a70-\u0a71]*)"
    "|(?P<other>.)",
    re.S,
)
_GURMUKHI_WORD: Final = re.compile("[\u0a00-\u0a7f]+")
# The Dravidian scripts write a dental and a retroflex t; ICU spells them t and ṭ, while names
# are spelled with th for the dental ("karthik", "ajith", "puneeth", "sreenath").
_DRAVIDIAN: Final = re.compile("[\u0b80-\u0d7f]")
_DENTAL_T: Final = re.compile("t{1,2}(?!h)")
# In the South and in Punjab a long i or u inside a name is spelled ee or oo ("sudeep", "anoop",
# "gurpreet"); at the end of a name it stays i ("lakshmi", "gopi").
_LONG_INNER_VOWEL: Final = re.compile("([īū])(?=[^\\W\\d_])")
_LONG_SPELLING: Final = {"ī": "ee", "ū": "oo"}
_LONG_VOWEL_SCRIPTS: Final = re.compile("[\u0a00-\u0a7f\u0b80-\u0d7f]")
# Tamil has one letter for ch and s; at the start of a word names are spelled with s
# ("selvam", "suriya", "saravanan"), which the Grantha sa gives.
_TAMIL_INITIAL_CA: Final = re.compile("(?<![\u0b80-\u0bff])\u0b9a")
# ICU writes the sibilants and the palatal stop the scholarly way; names are spelled sh and ch.
_SIBILANTS: Final = str.maketrans({"ś": "sh", "ṣ": "sh", "Ś": "sh", "Ṣ": "sh"})
_BARE_C: Final = re.compile(r"c(?!h)")
# Urdu keeps U+02BF (ain) and friends through Latin-ASCII; a name keeps letters and spaces only.
_NOT_NAME: Final = re.compile(r"[^a-z ]+")
_SPACES: Final = re.compile(r" {2,}")


class _Transliterator(Protocol):
    def transliterate(self, text: str) -> str: ...


@cache
def _transliterators() -> tuple[_Transliterator, _Transliterator]:
    # Building a transliterator parses its rules (milliseconds); each process does it once.
    return (
        icu.Transliterator.createInstance("Any-Latin"),
        icu.Transliterator.createInstance("Latin-ASCII; Lower"),
    )


def _drop_gurmukhi_schwas(word: re.Match[str]) -> str:
    syllables = list(_GURMUKHI_SYLLABLE.finditer(word.group()))
    out: list[str] = []
    previous_voiced = False
    for i, syllable in enumerate(syllables):
        text = syllable.group()
        bare = bool(syllable["consonants"]) and not syllable["sign"] and not syllable["marks"]
        following = syllables[i + 1] if i + 1 < len(syllables) else None
        next_voiced = (
            following is not None
            and bool(following["consonants"])
            and following["sign"] != "\u0a4d"
            and (bool(following["sign"] or following["marks"]) or i + 2 < len(syllables))
        )
        if bare and previous_voiced and next_voiced:
            out.append(text + "\u0a4d")
            previous_voiced = False
            continue
        out.append(text)
        previous_voiced = bool(syllable["vowel"]) or (
            bool(syllable["consonants"]) and syllable["sign"] != "\u0a4d"
        )
    return "".join(out)


@lru_cache(maxsize=1 << 16)
def romanize(text: str) -> str:
    """`text` (NFKC, in one or more of the 10 Indic scripts) as lowercase ASCII letters and
    single spaces; cached because follower names repeat."""
    to_latin, to_ascii = _transliterators()
    fixed = unicodedata.normalize("NFC", text).translate(_JOINERS).translate(_CHILLU)
    dravidian = _DRAVIDIAN.search(fixed) is not None
    long_vowels = _LONG_VOWEL_SCRIPTS.search(fixed) is not None
    fixed = _TAMIL_INITIAL_CA.sub("\u0bb8", fixed).translate(_TIPPI)
    fixed = _GURMUKHI_WORD.sub(_drop_gurmukhi_schwas, fixed)
    for pattern, virama in _FINAL_CONSONANTS:
        fixed = pattern.sub(rf"\g<1>{virama}", fixed)
    # After the schwa rules: a final Malayalam consonant keeps its vowel ("meera", "shobhana").
    fixed = fixed.translate(_MALAYALAM_TO_DEVANAGARI)
    latin = _BARE_C.sub("ch", to_latin.transliterate(fixed).translate(_SIBILANTS))
    if dravidian:
        latin = _DENTAL_T.sub("th", latin)
    if long_vowels:
        latin = _LONG_INNER_VOWEL.sub(lambda vowel: _LONG_SPELLING[vowel.group()], latin)
    return _SPACES.sub(" ", _NOT_NAME.sub("", to_ascii.transliterate(latin))).strip()
