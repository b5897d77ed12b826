"""Maintainers' notes in Markdown: source/notes/{lang}/{CODE}.md and .../prefixes/{PREFIX}.md.

Notes are the repository's own words, rendered with tables, fenced code and lists, and
sanitised (nh3) like everything else: no scripts, no event handlers, no javascript: links.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from . import inputs
from .codes import CODE_RE
from .errors import DataError
from .i18n import LocalText
from .languages import LANGUAGES

NOTES_DIR = Path(__file__).resolve().parent.parent / "source" / "notes"
# Keys a note's front matter (a "---" block at its top) may set: none yet. A block with
# any other key is refused rather than shown: it would be a typo, or meant for another tool.
FRONT_MATTER_KEYS = frozenset()
_FRONT_MATTER_LINE = re.compile(r"\s*[A-Za-z_][\w-]*\s*:")


@dataclass(frozen=True)
class Notes:
    """Notes by (kind, key) -> {lang: Markdown}; kind is 'code' or 'prefix'."""

    texts: dict

    def pick(self, kind, key, lang):
        """The note in this language, else the other language's, marked as a fallback."""
        found = self.texts.get((kind, key))
        if not found:
            return None
        if lang in found:
            return LocalText(found[lang], lang)
        other, text = next(iter(sorted(found.items())))
        return LocalText(text, other, fallback=True)


def load_notes(folder, codes, prefixes):
    """Read every note; return (Notes, warnings) — a note for no known code is a warning."""
    folder = Path(folder)
    texts, warnings = {}, []
    if not folder.exists():
        return Notes({}), warnings
    for path in sorted(folder.rglob("*")):
        if path.is_dir():
            continue
        relative = path.relative_to(folder)
        parts = relative.parts
        kind = "prefix" if len(parts) == 3 and parts[1] == "prefixes" else "code"
        if parts[0] not in LANGUAGES or path.suffix != ".md" or len(parts) != (3 if kind == "prefix" else 2):
            warnings.append(f"{path}: not a note: expected notes/{{zh,en}}/{{CODE}}.md or "
                            f"notes/{{zh,en}}/prefixes/{{PREFIX}}.md")
            continue
        key = path.stem
        known = prefixes if kind == "prefix" else codes
        if not CODE_RE.match(key) and key != "_":
            warnings.append(f"{path}: {key!r} is not a {kind} name; the note is not shown")
            continue
        if key not in known:
            warnings.append(f"{path}: there is no {kind} {key!r}; the note is not shown")
            continue
        # Only regular files inside the notes folder: a symlink out could publish any file
        # of the machine that builds the site.
        text = inputs.read_text(path, inputs.NOTE_SIZE_LIMIT, within=folder)
        texts.setdefault((kind, key), {})[parts[0]] = note_body(path, text).strip()
    for (kind, key), found in sorted(texts.items()):
        for lang in LANGUAGES:
            if lang not in found:
                warnings.append(f"note for {kind} {key} has no {lang} version (notes/{lang}/...)")
    return Notes(texts), warnings


def note_body(path, text):
    """The note without its front matter; refuse a key that notes do not know."""
    lines = text.split("\n")
    end = next((i for i, line in enumerate(lines[1:], start=1) if line.strip() == "---"), None)
    if lines[0].strip() != "---" or end is None:
        return text
    block = [(number, line) for number, line in enumerate(lines[1:end], start=2) if line.strip()]
    if not all(_FRONT_MATTER_LINE.match(line) for _, line in block):
        return text  # a rule and prose, not front matter
    for number, line in block:
        name = line.partition(":")[0].strip()
        if name not in FRONT_MATTER_KEYS:
            known = ", ".join(sorted(FRONT_MATTER_KEYS)) or "none yet"
            raise DataError(f"{path}:{number}: unknown front matter key {name!r} (known: {known})")
    return "\n".join(lines[end + 1:])
