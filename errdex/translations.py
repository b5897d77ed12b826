"""`make translations`: extract and update the gettext catalogs, then report coverage.

Two domains, each a PO file under source/locale/{lang}/LC_MESSAGES/:
- messages: interface strings from templates (`_()`, `ngettext`) and Python (`N_`),
  English source, translated into Chinese (zh/messages.po);
- content: upstream text from the dataset; msgid is the text as upstream wrote it,
  msgstr its translation (en/content.po from Chinese; zh/content.po from English).

Updating keeps every translation: a changed source string is matched to its old entry
and marked fuzzy (shown as untranslated until reviewed), a vanished one is kept as
obsolete (#~) so a translator can still reuse it.
"""

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import write_po

from .i18n import LOCALE_DIR, OTHER, catalog_path, read_catalog
from .pipeline import ROOT

# Fixed dates keep the PO files byte-identical between runs; git records when they changed.
FIXED_DATE = datetime(2026, 11, 27, tzinfo=timezone.utc)
INTERFACE_LANGUAGES = ("zh",)  # English is the interface's source language
METHOD_MAP = [("templates/**.html", "jinja2.ext:babel_extract"), ("templates/**.xml", "ignore"),
              ("errdex/**.py", "python")]
OPTIONS_MAP = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true",
                                     "trim_blocks": "true", "lstrip_blocks": "true"}}


@dataclass(frozen=True)
class Coverage:
    """How much of one catalog is translated."""

    lang: str
    domain: str
    translated: int
    fuzzy: int
    total: int
    obsolete: int = 0
    pending: tuple = ()  # msgids still untranslated or fuzzy, for the update report

    @property
    def percent(self):
        return 100.0 if not self.total else 100.0 * self.translated / self.total

    def __str__(self):
        return (f"{self.lang}/{self.domain}.po: {self.translated}/{self.total} translated "
                f"({self.percent:.1f}%), {self.fuzzy} fuzzy, {self.total - self.translated - self.fuzzy} missing, "
                f"{self.obsolete} obsolete")


def interface_template(root=ROOT):
    """Extract the interface strings from templates and Python code."""
    template = _new_catalog(None, "messages")
    for filename, lineno, message, comments, context in extract_from_dir(
            str(root), method_map=METHOD_MAP, options_map=OPTIONS_MAP):
        template.add(message, locations=[(Path(filename).as_posix(), lineno)],
                     auto_comments=comments, context=context)
    return template


def content_template(dataset, lang, retired=()):
    """The upstream texts a page in `lang` needs translated, with where each is used."""
    template = _new_catalog(None, "content")
    source_lang = OTHER[lang]

    def need(text, place):
        if text:
            existing = template.get(text)
            if existing is None:
                template.add(text, auto_comments=[place])
            elif place not in existing.auto_comments:
                existing.auto_comments.append(place)

    for source in dataset.sources:
        if source.language != source_lang:
            continue
        need(source.title, f"{source.id} title")
        for section in source.intro:
            need(section.heading, f"{source.id} intro heading")
            need(section.body, f"{source.id} intro body")
        for remark in source.remarks:
            need(remark.label, f"{source.id} remark label")
            need(remark.text, f"{source.id} remark {remark.label}".rstrip())
    for code in list(dataset.codes) + [r.code for r in retired]:
        for number, entry in enumerate(code.entries, start=1):
            label = code.code if len(code.entries) == 1 else f"{code.code} entry {number}"
            for field_name in ("description", "solution"):
                texts = getattr(entry, field_name)
                if lang not in texts:
                    need(texts.get(source_lang), f"{label} {field_name}")
    return template


def update_catalog(path, lang, domain, template):
    """Merge a template into the PO file at path (created if missing); return its catalog."""
    path = Path(path)
    catalog = read_catalog(path, lang) if path.exists() else _new_catalog(lang, domain)
    catalog.update(template, no_fuzzy_matching=False, update_header_comment=False)
    catalog.creation_date = FIXED_DATE
    catalog.revision_date = FIXED_DATE
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        # Without line numbers: a template edit would otherwise rewrite every location below it,
        # and `git diff source/` would bury the real changes.
        write_po(handle, catalog, width=76, sort_output=True, include_previous=True, include_lineno=False)
    return catalog


def coverage(catalog, lang, domain):
    """Count translated, fuzzy and missing messages (obsolete ones do not count)."""
    messages = [m for m in catalog if m.id]
    translated = sum(1 for m in messages if is_translated(m))
    fuzzy = sum(1 for m in messages if m.fuzzy)
    pending = tuple(m.id if isinstance(m.id, str) else m.id[0] for m in messages if not is_translated(m))
    return Coverage(lang, domain, translated, fuzzy, len(messages), len(catalog.obsolete), pending)


def is_translated(message):
    """True when every form of a message (plural forms too) has a reviewed translation."""
    strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
    return all(strings) and not message.fuzzy


def update_all(dataset, locale_dir=LOCALE_DIR, root=ROOT, retired=()):
    """Update every catalog; return the coverage of each."""
    results = []
    interface = interface_template(root)
    for lang in INTERFACE_LANGUAGES:
        catalog = update_catalog(catalog_path(lang, "messages", locale_dir), lang, "messages", interface)
        results.append(coverage(catalog, lang, "messages"))
    for lang in ("en", "zh"):
        template = content_template(dataset, lang, retired)
        path = catalog_path(lang, "content", locale_dir)
        if len(template) or path.exists():
            catalog = update_catalog(path, lang, "content", template)
            results.append(coverage(catalog, lang, "content"))
    return results


def _new_catalog(lang, domain):
    return Catalog(locale=lang, domain=domain, project="errdex", version="1", charset="utf-8",
                   creation_date=FIXED_DATE, revision_date=FIXED_DATE, fuzzy=False,
                   msgid_bugs_address="", last_translator="errdex maintainers",
                   language_team=f"{lang or 'LANGUAGE'} <errdex maintainers>")
