"""What changed between two datasets: added, removed and changed codes, field by field."""

import difflib
import re
from dataclasses import dataclass

from .model import code_to_json

_WORD_RE = re.compile(r"\s+|[\u3400-\u9fff]|[^\s\u3400-\u9fff]+")


@dataclass(frozen=True)
class Change:
    """One changed field of a code: where, before and after."""

    code: str
    field: str
    before: object
    after: object


@dataclass(frozen=True)
class DatasetDiff:
    """Codes added and removed (by name) and field changes of codes in both."""

    added: tuple
    removed: tuple
    changed: tuple

    @property
    def empty(self):
        return not (self.added or self.removed or self.changed)


def diff_datasets(old, new):
    """Compare two datasets code by code."""
    old_codes = {c.code: c for c in old.codes}
    new_codes = {c.code: c for c in new.codes}
    added = tuple(c for c in new_codes if c not in old_codes)
    removed = tuple(c for c in old_codes if c not in new_codes)
    changed = tuple(change for name in new_codes if name in old_codes
                    for change in _field_changes(name, code_to_json(old_codes[name]),
                                                 code_to_json(new_codes[name])))
    return DatasetDiff(added, removed, changed)


def _field_changes(name, before, after, path=""):
    """Flatten two JSON values into changes of their leaves ('entries[0].message')."""
    if isinstance(before, dict) and isinstance(after, dict):
        changes = []
        for key in sorted(set(before) | set(after)):
            changes += _field_changes(name, before.get(key), after.get(key), f"{path}.{key}" if path else key)
        return changes
    if isinstance(before, list) and isinstance(after, list) and path.endswith("entries"):
        changes = []
        for index in range(max(len(before), len(after))):
            old = before[index] if index < len(before) else None
            new = after[index] if index < len(after) else None
            changes += _field_changes(name, old, new, f"{path}[{index}]")
        return changes
    if before == after or path.endswith("origins"):
        return []
    return [Change(name, path, before, after)]


def word_diff(before, after):
    """Mark a text change word by word: [-removed-]{+added+}; Chinese by character."""
    old, new = _WORD_RE.findall(before or ""), _WORD_RE.findall(after or "")
    parts = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append("".join(old[a1:a2]))
            continue
        if a2 > a1:
            parts.append("[-" + "".join(old[a1:a2]) + "-]")
        if b2 > b1:
            parts.append("{+" + "".join(new[b1:b2]) + "+}")
    return "".join(parts)


def format_diff(diff):
    """Render a diff as the review report a maintainer reads."""
    if diff.empty:
        return "no changes against the committed dataset"
    lines = [f"added {len(diff.added)}, removed {len(diff.removed)}, "
             f"changed {len({c.code for c in diff.changed})} code(s)"]
    lines += [f"+ {code}" for code in diff.added]
    lines += [f"- {code}" for code in diff.removed]
    current = None
    for change in diff.changed:
        if change.code != current:
            lines.append(f"~ {change.code}")
            current = change.code
        if isinstance(change.before, str) and isinstance(change.after, str):
            lines.append(f"    {change.field}: {word_diff(change.before, change.after)}")
        else:
            lines.append(f"    {change.field}: {change.before!r} -> {change.after!r}")
    return "\n".join(lines)
