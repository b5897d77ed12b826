"""Maintainers' notes in Markdown: source/notes/{lang}/{CODE}.md and .../prefixes/{PREFIX}.md.

Notes are the repository's own words, rendered with tables, fenced code and lists, and
sanitised (nh3) like everything else: no scripts, no event handlers, no javascript: links.
"""

from dataclasses import dataclass
from pathlib import Path

from .codes import CODE_RE
from .i18n import LocalText
from .languages import LANGUAGES
from .pipeline import read_text

NOTES_DIR = Path(__file__).resolve().parent.parent / "source" / "notes"


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
        texts.setdefault((kind, key), {})[parts[0]] = read_text(path).strip()
    for (kind, key), found in sorted(texts.items()):
        for lang in LANGUAGES:
            if lang not in found:
                warnings.append(f"note for {kind} {key} has no {lang} version (notes/{lang}/...)")
    return Notes(texts), warnings
