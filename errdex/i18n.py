"""Translations: gettext catalogs for the interface and for upstream content.

- Interface strings are English in templates (`_()`), translated to Chinese by
  source/locale/zh/LC_MESSAGES/messages.po.
- Content (descriptions, solutions, intro prose, remarks) is translated by
  source/locale/{lang}/LC_MESSAGES/content.po, whose msgid is the upstream text in the
  other language: when upstream rewrites a sentence, the old translation stops matching.

Precedence for a field on a page in language L: upstream text in L, then the content
catalog of L, then the other language's text, shown marked "not yet translated" and
counted as a warning.
"""

import gettext
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from .errors import DataError
from .languages import HTML_LANG, OTHER  # noqa: F401 (importers take them from here too)
from .pipeline import write_atomic

def N_(text):
    """Mark a string for extraction; it is translated where it is shown."""
    return text


# Language names in the reader's language ("Chinese page"), unlike the switch's endonyms.
LANGUAGE_LABELS = {"zh": N_("Chinese"), "en": N_("English")}
LOCALE_DIR = Path(__file__).resolve().parent.parent / "source" / "locale"
# Catalogs compiled by Babel, kept by content: a build whose PO files have not changed
# needs no Babel (its import alone is a tenth of the seed site's build).
COMPILED_DIR = Path(__file__).resolve().parent.parent / "build" / "catalogs"


def catalog_path(lang, domain, locale_dir=LOCALE_DIR):
    return Path(locale_dir) / lang / "LC_MESSAGES" / f"{domain}.po"


def read_catalog(path, lang):
    """Parse a PO file; name the file and line of a syntax error."""
    from babel.messages.pofile import PoFileError, read_po
    try:
        with open(path, "rb") as handle:
            return read_po(handle, locale=lang, abort_invalid=True)
    except PoFileError as error:
        raise DataError(f"{path}: invalid PO file: {error}") from None


def gnu_translations(path, lang):
    """A PO file as a gettext translations object (fuzzy entries skipped)."""
    if not Path(path).exists():
        return gettext.NullTranslations()
    return gettext.GNUTranslations(io.BytesIO(compiled_catalog(path, lang)))


def compiled_catalog(path, lang):
    """A PO file compiled to MO bytes, fuzzy entries left out; cached by the file's content."""
    source = Path(path).read_bytes()
    cached = COMPILED_DIR / f"{lang}-{hashlib.sha256(source).hexdigest()[:32]}.mo"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    from babel.messages.mofile import write_mo
    buffer = io.BytesIO()
    write_mo(buffer, read_catalog(path, lang), use_fuzzy=False)
    try:  # atomically: a concurrent build never reads half a file
        write_atomic(cached, buffer.getvalue())
    except OSError:  # a read-only checkout: compile every time
        pass
    return buffer.getvalue()


def interface_translations(lang, locale_dir=LOCALE_DIR):
    """Translations for the interface of a language (English needs none)."""
    if lang == "en":
        return gettext.NullTranslations()
    return gnu_translations(catalog_path(lang, "messages", locale_dir), lang)


class _Untranslated(gettext.NullTranslations):
    """The last fallback of a catalog: None says that it has no translation of a text."""

    def gettext(self, message):
        return None


class CatalogLookup:
    """`get(text)`: a catalog's translation of a text, or None (gettext would return the text)."""

    def __init__(self, translations):
        translations.add_fallback(_Untranslated())
        self._gettext = translations.gettext

    def get(self, text):
        # gettext("") is the catalog's header, not a translation.
        return self._gettext(text) if text else None


@dataclass(frozen=True)
class LocalText:
    """A text as shown on a page: its language, and whether it is a fallback."""

    text: str
    lang: str
    fallback: bool = False
    via: str | None = None  # the source id of another service's page whose translation this is


class ContentTranslator:
    """Pick or translate upstream text for one page language; remember what is missing."""

    def __init__(self, lang, locale_dir=LOCALE_DIR):
        self.lang = lang
        self.messages = CatalogLookup(gnu_translations(catalog_path(lang, "content", locale_dir), lang))
        self.missing = {}  # text -> first place it was needed

    def pick(self, texts, place):
        """Choose the text for this language from {lang: text}; None when there is none."""
        if not texts:
            return None
        if self.lang in texts:
            return LocalText(texts[self.lang], self.lang)
        source_lang, source_text = next(iter(sorted(texts.items())))
        return self.translate(source_text, source_lang, place)

    def translate(self, text, source_lang, place):
        """Translate one upstream text written in source_lang; fall back visibly."""
        if not text or source_lang == self.lang:
            return LocalText(text, source_lang)
        translated = self.messages.get(text)
        if translated:
            return LocalText(translated, self.lang)
        self.missing.setdefault(text, place)
        return LocalText(text, source_lang, fallback=True)

    def warnings(self):
        """One warning per untranslated string, naming where it is used."""
        return missing_warnings(self.lang, self.missing)


def missing_warnings(lang, missing):
    """The warnings of {untranslated text: first place it was needed}, in order of place."""
    return [f"untranslated into {lang} ({place}): {text[:60]!r}"
            for text, place in sorted(missing.items(), key=lambda item: item[1])]
