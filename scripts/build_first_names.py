"""Builds workloads/reach/followers/data/indian_first_names.txt.gz, the Indian first-name list
behind the follower scorer's name-match feature. Run by hand, once per change of sources; the
tests and the scorer only read the result.

Sources: curated given-name lists (baby-name style, not records of people) from registry
packages with clear licences. Only their data files are read; nothing is imported from them.

- getindianname 1.0.7 (PyPI), MIT, (c) 2020 Devesh Singh: getindianname/malename.txt and
  femalename.txt;
- indian-names 0.3 (PyPI), BSD-3-Clause: indian_names/first.male.names and first.female.names;
- Faker 40.63.0 (PyPI), MIT: the `first_names*` of the person providers en_IN, hi_IN, mr_IN,
  bn_BD, gu_IN, or_IN and ta_IN;
- random-indian-name 1.0.0 (npm), MIT: `first_male` and `first_female` in lib/names.js.

Rejected: names-dataset (built from leaked Facebook data) and guess-indian-gender (scraped full
names of unknown provenance). The shipped list has 19,922 tokens: lowercase a-z, at least two
letters, multi-word entries split, sorted, gzip level 9. Names written in an Indic script
(Faker's hi_IN, bn_BD, gu_IN, or_IN, ta_IN) are romanized with ICU `Any-Latin`, ś/ṣ as "sh",
`Latin-ASCII`, lowercase: the rule the shipped list was built with.

Usage (the archives come from the registries' own clients):
    pip download --no-deps getindianname==1.0.7 indian-names==0.3 faker==40.63.0
    npm pack random-indian-name@1.0.0
    .venv/bin/python scripts/build_first_names.py \\
        workloads/reach/followers/data/indian_first_names.txt.gz \\
        getindianname-1.0.7-py3-none-any.whl indian_names-0.3-py3-none-any.whl \\
        faker-40.63.0-py3-none-any.whl random-indian-name-1.0.0.tgz
"""

from __future__ import annotations

import argparse
import ast
import gzip
import json
import re
import sys
import tarfile
import unicodedata
import zipfile
from collections.abc import Iterable

import icu  # type: ignore[import-untyped]

_TOKEN = re.compile(r"[a-z]{2,}")
_FAKER_PROVIDERS = frozenset(
    f"faker/providers/person/{locale}/__init__.py"
    for locale in ("en_IN", "hi_IN", "mr_IN", "bn_BD", "gu_IN", "or_IN", "ta_IN")
)
_NPM_LISTS = ("first_male", "first_female")


class Romanizer:
    """The romanization the shipped list was built with (ICU rules are parsed once)."""

    def __init__(self) -> None:
        self._latin = icu.Transliterator.createInstance("Any-Latin")
        self._ascii = icu.Transliterator.createInstance("Latin-ASCII; Lower")

    def tokens(self, names: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for name in names:
            latin = str(self._latin.transliterate(unicodedata.normalize("NFKC", name)))
            latin = latin.replace("ś", "sh").replace("ṣ", "sh")
            found.update(_TOKEN.findall(str(self._ascii.transliterate(latin))))
        return found


def _faker_first_names(source: str) -> list[str]:
    # Providers assign tuples, lists or dicts (name -> weight) to `first_names*`; assignments
    # that combine other lists are skipped because their parts are read anyway.
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Assign):
            continue
        targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
        if not any(t.startswith("first_names") for t in targets):
            continue
        if isinstance(node.value, ast.Tuple | ast.List | ast.Dict | ast.Set):
            value = ast.literal_eval(node.value)
            names.extend(value.keys() if isinstance(value, dict) else value)
    return names


def from_wheel(path: str, romanizer: Romanizer) -> dict[str, set[str]]:
    """Tokens per data file of one wheel."""
    found: dict[str, set[str]] = {}
    with zipfile.ZipFile(path) as wheel:
        for member in wheel.namelist():
            if member.startswith("getindianname/") and member.endswith("name.txt"):
                lines = wheel.read(member).decode().splitlines()
            elif member.startswith("indian_names/first.") and member.endswith(".names"):
                # The first line holds the count of the names that follow.
                lines = wheel.read(member).decode().splitlines()[1:]
            elif member in _FAKER_PROVIDERS:
                lines = _faker_first_names(wheel.read(member).decode())
            else:
                continue
            found[member] = romanizer.tokens(lines)
    return found


def from_npm(path: str, romanizer: Romanizer) -> dict[str, set[str]]:
    """Tokens per name list of the random-indian-name package."""
    with tarfile.open(path) as tar:
        member = tar.extractfile("package/lib/names.js")
        if member is None:
            raise SystemExit(f"{path}: package/lib/names.js is not a file")
        text = member.read().decode()
    found: dict[str, set[str]] = {}
    for key in _NPM_LISTS:
        match = re.search(rf"module\.exports\.{key}\s*=\s*(\[.*?\])", text, re.S)
        if match is None:
            raise SystemExit(f"{path}: no {key} list in lib/names.js")
        found[f"random-indian-name:{key}"] = romanizer.tokens(json.loads(match.group(1)))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("out", help="the .txt.gz to write")
    parser.add_argument("archives", nargs="+", help="the wheels and the npm .tgz listed above")
    args = parser.parse_args()
    romanizer = Romanizer()
    per_file: dict[str, set[str]] = {}
    for path in args.archives:
        reader = from_npm if path.endswith(".tgz") else from_wheel
        per_file.update(reader(path, romanizer))
    names = sorted(set().union(*per_file.values()))
    for member, tokens in sorted(per_file.items()):
        print(f"{member}: {len(tokens)}", file=sys.stderr)
    print(f"total unique: {len(names)}", file=sys.stderr)
    with gzip.open(args.out, "wt", encoding="ascii", compresslevel=9) as out:
        out.write("\n".join(names) + "\n")


if __name__ == "__main__":
    main()
