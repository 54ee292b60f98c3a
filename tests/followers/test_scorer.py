"""Unit tests for reach.followers.scorer: every fancy-letter family, every script, each feature,
the ensemble on the hand-written evaluation set, and garbage input."""

# The look-alike letters are the point of these tests.
# ruff: noqa: RUF001

from __future__ import annotations

from pathlib import Path

import pytest

from reach.followers.scorer import (
    FAKE,
    REAL,
    WEAK_FAKE,
    Follower,
    Score,
    consonant_skeleton,
    detect_scripts,
    indian_first_names,
    normalize,
    score_batch,
)

pytestmark = pytest.mark.unit

EVALUATION = Path(__file__).with_name("evaluation.tsv")


def one(handle: str | bytes, name: str | bytes) -> Score:
    return score_batch([Follower(handle, name)])[0]


@pytest.mark.parametrize(
    ("family", "text"),
    [
        ("math bold", "𝐏𝐫𝐢𝐲𝐚"),
        ("math italic", "𝑃𝑟𝑖𝑦𝑎"),
        ("math script", "𝒫𝓇𝒾𝓎𝒶"),
        ("math bold script", "𝓟𝓻𝓲𝔂𝓪"),
        ("fraktur", "𝔓𝔯𝔦𝔶𝔞"),
        ("double-struck", "ℙ𝕣𝕚𝕪𝕒"),
        ("sans", "𝖯𝗋𝗂𝗒𝖺"),
        ("sans bold", "𝗣𝗿𝗶𝘆𝗮"),
        ("monospace", "𝙿𝚛𝚒𝚢𝚊"),
        ("fullwidth", "Ｐｒｉｙａ"),
        ("circled", "ⓟⓡⓘⓨⓐ"),
        ("squared", "🄿🅁🄸🅈🄰"),
        ("negative squared", "🅿🆁🅸🆈🅰"),
        ("parenthesized", "⒫⒭⒤⒴⒜"),
        ("small capitals", "ᴘʀɪʏᴀ"),
        ("regional indicators", "🇵🇷🇮🇾🇦"),
        ("superscripts", "ᵖʳⁱʸᵃ"),
    ],
)
def test_normalize_folds_each_fancy_family(family: str, text: str) -> None:
    assert normalize(text) == "priya", family


def test_normalize_drops_emoji_words() -> None:
    assert normalize("Priya 🙂").split() == ["priya"]


# Real names in each script; the expected romanization is what the name-match feature needs.
INDIC_NAMES = [
    ("devanagari", "राहुल", "rahul"),
    ("bengali", "রাহুল", "rahul"),
    ("gujarati", "રાહુલ", "rahul"),
    ("kannada", "ರಾಹುಲ್", "rahul"),
    ("malayalam", "മോഹൻലാൽ", "mohnlal"),
    ("odia", "ରାହୁଲ", "rahul"),
    ("gurmukhi", "ਰਾਹੁਲ", "rahul"),
    ("tamil", "ராஜேஷ்", "rajes"),
    ("telugu", "రాహుల్", "rahul"),
    ("urdu", "سلمان", "slmn"),
]


@pytest.mark.parametrize(("script", "name", "latin"), INDIC_NAMES)
def test_each_indic_script_is_detected_and_transliterated(
    script: str, name: str, latin: str
) -> None:
    assert detect_scripts(name) == {script}
    assert normalize(name) == latin
    scored = one("someone", name)
    assert scored.non_indic_script == 0
    assert scored.indian_name_score >= 85


@pytest.mark.parametrize(
    ("script", "name"),
    [
        ("greek", "Αλέξανδρος"),
        ("cyrillic", "Привет"),
        ("armenian", "Հայկ"),
        ("hebrew", "דוד"),
        ("cjk", "王丽"),
        ("hangul", "김민준"),
        ("kana", "ゆき"),
        ("thai", "สมชาย"),
        ("georgian", "გიორგი"),
    ],
)
def test_non_indic_scripts_are_fake(script: str, name: str) -> None:
    assert detect_scripts(name) == {script}
    scored = one("anyone", name)
    assert scored.non_indic_script == 1
    assert scored.fake_class == FAKE
    assert "non_indic_script" in scored.reasons


def test_latin_has_no_script() -> None:
    assert detect_scripts("Rahul Sharma") == frozenset()


def test_digit_count_over_four_is_fake() -> None:
    assert one("rahul1234", "Rahul").fake_class == REAL
    many = one("rahul12345", "Rahul")
    assert (many.digit_count, many.fake_class, many.reasons) == (5, FAKE, ("many_digits",))


def test_handle_name_correlation_levels() -> None:
    assert one("rahul_sharma", "Rahul Sharma").handle_name_correlation == 2
    assert one("rahul_official", "Rahul Sharma").handle_name_correlation == 1
    assert one("travelbug", "Rahul Sharma").handle_name_correlation == 0


def test_similarity_is_fuzzy_and_bounded() -> None:
    assert one("rahulsharma", "Rahul Sharma").similarity == 100
    near = one("rahulsharmaa", "Rahul Sharma").similarity
    assert 80 <= near < 100
    assert one("zzqx", "Rahul Sharma").similarity < 30
    assert one("", "Rahul").similarity == 0


def test_indian_name_score() -> None:
    assert one("x", "Priyanka").indian_name_score == 100
    assert 70 <= one("x", "Priyankaa").indian_name_score < 100
    assert one("x", "Wanderlust").indian_name_score < 85
    assert one("x", "").indian_name_score == 0


def test_name_list_is_sorted_unique_lowercase() -> None:
    names = indian_first_names()
    assert len(names) >= 250
    assert list(names) == sorted(set(names))
    assert all(name.isascii() and name.isalpha() and name.islower() for name in names)


def test_consonant_skeleton() -> None:
    assert consonant_skeleton("mohammed") == consonant_skeleton("mhmd") == "mhnd"
    assert consonant_skeleton("venkatesh") == consonant_skeleton("vemktes") == "nkts"
    assert consonant_skeleton("murugan") == consonant_skeleton("murukn") == "mrkn"


def test_weak_fake_reasons_and_continuous_score() -> None:
    scored = one("promo_deals", "Best Offers")
    assert scored.fake_class == WEAK_FAKE
    assert set(scored.reasons) == {"handle_name_mismatch", "low_similarity", "not_indian_name"}
    assert 0.0 < scored.score <= WEAK_FAKE
    assert one("rahul_sharma", "Rahul Sharma").score == 0.0
    assert one("x123456", "Rahul").score == 1.0


def _evaluation_rows() -> list[tuple[str, str, float, str]]:
    rows = []
    for line in EVALUATION.read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            handle, name, expected, covers = line.split("\t")
            rows.append((handle, name, float(expected), covers))
    return rows


def test_evaluation_set_matches_the_ensemble() -> None:
    rows = _evaluation_rows()
    assert len(rows) >= 500
    scores = score_batch([Follower(handle, name) for handle, name, _, _ in rows])
    mismatches = [
        (row, scored.fake_class)
        for row, scored in zip(rows, scores, strict=True)
        if scored.fake_class != row[2]
    ]
    assert mismatches == []


def test_evaluation_set_covers_every_script_and_class() -> None:
    rows = _evaluation_rows()
    found = set().union(*(detect_scripts(name) for _, name, _, _ in rows))
    assert {script for script, _, _ in INDIC_NAMES} <= found
    assert {"greek", "cyrillic", "armenian", "cjk", "hangul"} <= found
    assert {expected for _, _, expected, _ in rows} == {REAL, WEAK_FAKE, FAKE}


@pytest.mark.parametrize(
    ("handle", "name", "reason"),
    [
        ("someone", "", "empty_name"),
        ("someone", "   ", "empty_name"),
        ("someone", "🙂🔥🙂", "no_letters_in_name"),
        ("someone", "Rahul" * 2048, "truncated"),
        (b"\xff\xfeab", b"Rahul \xc3\x28", "invalid_utf8"),
    ],
)
def test_garbage_input_is_scored_with_a_reason(
    handle: str | bytes, name: str | bytes, reason: str
) -> None:
    scored = one(handle, name)
    assert reason in scored.reasons
    assert scored.fake_class in {REAL, WEAK_FAKE, FAKE}
    assert 0.0 <= scored.score <= 1.0


def test_empty_batch() -> None:
    assert score_batch([]) == []
