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
    clean,
    correlation,
    detect_scripts,
    ensemble,
    normalize,
    score_batch,
    similarities,
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


# A real name in each script and its romanization (more names in transliteration.tsv).
INDIC_NAMES = [
    ("devanagari", "राहुल", "rahul"),
    ("bengali", "রাহুল", "rahul"),
    ("gujarati", "રાહુલ", "rahul"),
    ("kannada", "ರಾಹುಲ್", "rahul"),
    ("malayalam", "മോഹൻലാൽ", "mohanlal"),
    ("odia", "ରାହୁଲ", "rahul"),
    ("gurmukhi", "ਰਾਹੁਲ", "rahul"),
    ("tamil", "விஜய்", "vijay"),
    ("telugu", "రాహుల్", "rahul"),
    ("urdu", "سلمان", "slman"),
]


@pytest.mark.parametrize(("script", "name", "latin"), INDIC_NAMES)
def test_each_indic_script_is_detected_and_transliterated(
    script: str, name: str, latin: str
) -> None:
    assert detect_scripts(name) == {script}
    assert clean(normalize(name)) == (latin,)
    scored = one(latin, name)
    assert scored.non_indic_script == 0
    assert scored.similarity == 100
    assert scored.fake_class == REAL


def test_indic_and_fancy_letters_mix_in_one_name() -> None:
    assert clean(normalize("𝐑𝐚𝐡𝐮𝐥 शर्मा")) == ("rahul", "sharma")


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
    # The seed counts every Unicode digit of the raw handle.
    assert one("rahul١٢٣٤٥", "Rahul").digit_count == 5


def test_similarity_is_the_seeds_blend_over_word_orders() -> None:
    assert similarities(["sharmarahul"], [("rahul", "sharma")]) == [100.0]
    # (2 * partial 100 + sort 55.56 + set 55.56) / 4: the handle holds the name and more.
    [longer] = similarities(["rahulofficial"], [("rahul",)])
    assert longer == pytest.approx(77.78, abs=0.01)
    assert similarities(["xyzq"], [("rahul",)]) == [0.0]
    # rapidfuzz rates two empty strings 100 except token_set_ratio (0), as the seed saw.
    assert similarities([""], [()]) == [75.0]
    assert similarities([], []) == []


def test_similarity_compares_each_word_alone_past_four_words() -> None:
    words = ("aa", "bb", "cc", "dd", "rahul")
    assert similarities(["rahul"], [words]) == [100.0]


def test_handle_name_correlation_levels() -> None:
    assert correlation("rahulsharma", ("rahul", "sharma"), 100) == 2
    assert correlation("rahul_sharma", ("rahul", "sharma"), 0) == 0
    assert correlation("rahul.k", ("rahul",), 95.45) == 0
    assert correlation("rahul-official", ("rahul",), 77.78) == 1
    assert correlation("some_one", (), 0) == 1


@pytest.mark.parametrize(
    ("features", "expected", "fired"),
    [
        (
            (1, 30.0, 9, 1),
            FAKE,
            ["non_indic_script", "low_similarity", "many_digits", "handle_name_mismatch"],
        ),
        ((0, 30.0, 9, 1), WEAK_FAKE, ["low_similarity", "many_digits", "handle_name_mismatch"]),
        ((0, 40.0, 0, 2), WEAK_FAKE, ["low_similarity"]),
        ((0, 40.01, 5, 2), FAKE, ["many_digits"]),
        ((0, 0.0, 5, 2), FAKE, ["many_digits"]),
        ((0, 60.0, 4, 1), FAKE, ["handle_name_mismatch"]),
        ((0, 0.0, 0, 2), REAL, []),
        ((0, 100.0, 4, 0), REAL, []),
    ],
)
def test_ensemble_applies_the_seed_rules_in_order(
    features: tuple[int, float, int, int], expected: float, fired: list[str]
) -> None:
    assert ensemble(*features) == (expected, fired)


def test_indian_name_score_is_reported_not_decisive() -> None:
    assert one("priyanka", "Priyanka Chopra").indian_name_score == 100
    assert 85 <= one("priyankaa", "Priyankaa").indian_name_score < 100
    wanderlust = one("wanderlust", "Wanderlust")
    assert wanderlust.indian_name_score < 80
    assert wanderlust.fake_class == REAL
    assert one("x", "").indian_name_score == 0


def test_continuous_score_ranks_within_each_class() -> None:
    real = one("rahul_sharma", "Rahul Sharma")
    assert real.score == 0.0
    doubtful = one("wanderlust", "Wanderlust")
    assert 0.0 < doubtful.score < WEAK_FAKE
    weak = one("techmonk", "Rahul")
    assert weak.fake_class == WEAK_FAKE
    assert WEAK_FAKE < weak.score < 2 * WEAK_FAKE
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
    assert {"greek", "cyrillic", "armenian", "georgian", "cjk", "hangul", "kana"} <= found
    covered = " ".join(covers for _, _, _, covers in rows)
    for family in (
        "math bold",
        "math italic",
        "math script",
        "fraktur",
        "double-struck",
        "sans",
        "monospace",
        "fullwidth",
        "circled",
        "squared",
        "negative squared",
        "parenthesized",
        "small capitals",
        "regional indicators",
        "superscripts",
    ):
        assert family in covered, family
    assert {expected for _, _, expected, _ in rows} == {REAL, WEAK_FAKE, FAKE}


@pytest.mark.parametrize(
    ("handle", "name", "reason"),
    [
        ("someone", "", "empty_name"),
        ("someone", "   ", "empty_name"),
        ("someone", "🙂🔥🙂", "no_letters_in_name"),
        ("someone", "!!! 123", "no_letters_in_name"),
        ("someone", "Rahul" * 2048, "truncated"),
        ("x" * 10_240, "Rahul", "truncated"),
        ("someone", " ".join(["Rahul"] * 2048), "truncated"),
        (b"\xff\xfeab", b"Rahul \xc3\x28", "invalid_utf8"),
        (b"rahul", b"\xed\xa0\x80\xc0\xaf", "invalid_utf8"),
    ],
)
def test_garbage_input_is_scored_with_a_reason(
    handle: str | bytes, name: str | bytes, reason: str
) -> None:
    scored = one(handle, name)
    assert scored.reasons.count(reason) == 1
    assert scored.fake_class in {REAL, WEAK_FAKE, FAKE}
    assert 0.0 <= scored.score <= 1.0


def test_lone_surrogates_and_control_characters_do_not_crash() -> None:
    scored = one("a\x00b", "\ud800Rahul\x07")
    assert scored.fake_class in {REAL, WEAK_FAKE, FAKE}


def test_empty_batch() -> None:
    assert score_batch([]) == []
