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
import json
import re
from dataclasses import dataclass
from pathlib import Path

from . import inputs
from .codes import placeholders_in
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
    """Parse a PO file read through the door (a regular file inside its locale folder, UTF-8,
    control characters removed); name the file and line of a syntax error."""
    from babel.messages.pofile import PoFileError, read_po
    path = Path(path)
    text = inputs.read_text(path, within=path.parents[2])
    try:
        catalog = read_po(io.StringIO(text), locale=lang, abort_invalid=True)
    except PoFileError as error:
        raise DataError(f"{path}:{error.lineno + 1}: invalid PO file: {error.args[0].rpartition(' on ')[0]}") from None
    except (ValueError, KeyError) as error:  # e.g. a malformed header (plural forms, charset)
        raise DataError(f"{path}: invalid PO file: {error}") from None
    # The file was read as UTF-8, and is compiled in its declared charset: they must agree.
    if catalog.charset.replace("-", "").lower() != "utf8":
        raise DataError(f"{path}: the header declares charset={catalog.charset}; catalogs are UTF-8 "
                        f"(\"Content-Type: text/plain; charset=UTF-8\")")
    return catalog


def gnu_translations(path, lang):
    """A PO file as a gettext translations object (fuzzy entries skipped)."""
    if not Path(path).exists():
        return gettext.NullTranslations()
    return gettext.GNUTranslations(io.BytesIO(compiled_catalog(path, lang)))


# Part of the compiled catalogs' names: a catalog compiled by an older errdex, which did
# not check placeholders, is compiled (and checked) again.
_COMPILER_VERSION = "2"


def compiled_catalog(path, lang):
    """A PO file compiled to MO bytes (fuzzy entries left out, placeholders checked),
    cached by the file's content."""
    def compile_mo(catalog):
        from babel.messages.mofile import write_mo
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        return buffer.getvalue()
    return _compiled(path, lang, "mo", compile_mo)


def content_messages(path, lang):
    """{msgid: msgstr} of a content catalog's reviewed translations (checked as compiled)."""
    if not Path(path).exists():
        return {}
    def compile_json(catalog):
        messages = {m.id: m.string for m in catalog
                    if m.id and isinstance(m.id, str) and m.string and not m.fuzzy}
        return json.dumps(messages, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return json.loads(_compiled(path, lang, "json", compile_json))


def _compiled(path, lang, suffix, compile_catalog):
    """A catalog compiled by `compile_catalog` (Catalog -> bytes) once per content: a build
    whose PO files have not changed needs no Babel."""
    source = inputs.read_bytes(path, within=Path(path).parents[2])
    digest = hashlib.sha256(source + _COMPILER_VERSION.encode()).hexdigest()[:32]
    cached = COMPILED_DIR / f"{lang}-{digest}.{suffix}"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    catalog = read_catalog(path, lang)
    check_placeholders(catalog, path, Path(path).stem)
    for message in catalog:  # a control character can also come from a PO escape such as \r
        message.string = (tuple(inputs.clean_text(f, path) for f in message.string)
                          if isinstance(message.string, (tuple, list)) else inputs.clean_text(message.string or "", path))
    compiled = compile_catalog(catalog)
    try:  # atomically: a concurrent build never reads half a file
        write_atomic(cached, compiled)
    except OSError:  # a read-only checkout: compile every time
        pass
    return compiled


def check_placeholders(catalog, path, domain):
    """Refuse a translation whose placeholders do not fit its msgid's, as `msgfmt --check`
    does, naming the PO file and line: a wrong one would end the build in a traceback
    (interface strings are %-formatted) or drop a value from the page."""
    for message in catalog:
        if not message.id or message.fuzzy or not any(_forms(message.string)):
            continue
        problem = (_content_placeholder_problem(message) if domain == "content"
                   else _interface_placeholder_problem(catalog, message))
        if problem:
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            raise DataError(f"{path}:{message.lineno}: {problem} (msgid {msgid!r:.70})")


def _forms(value):
    return value if isinstance(value, (tuple, list)) else (value,)


# A %-format conversion as Python's % reads it, or a lone '%' (anything else after it).
_PERCENT = re.compile(r"%(?:\((?P<name>[^)]*)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?"
                      r"(?P<type>[diouxXeEfFgGcrsa%])|%")
_BRACES = re.compile(r"\{\d*\}|\{[A-Za-z_][A-Za-z0-9_]*\}")


def _percent_fields(text):
    """(fields, stray): the %-conversions of a text as (name or None, type), and whether a
    '%' forms none."""
    fields, stray = [], False
    for match in _PERCENT.finditer(text):
        kind = match.group("type")
        if kind is None:
            stray = True
        elif kind != "%":
            fields.append((match.group("name"), "d" if kind == "i" else kind))
    return fields, stray


def _interface_placeholder_problem(catalog, message):
    """What is wrong with an interface translation's placeholders, or None.

    Templates always %-format these (newstyle gettext, '%%' for '%'), with named values.
    """
    errors = message.check(catalog)  # Babel's checkers: plural forms, format compatibility
    if errors:
        return f"translation does not fit its msgid: {errors[0]}"
    ids = _forms(message.id)
    wanted = {}
    for text in ids:
        wanted.update(dict(_percent_fields(text)[0]))
    plural = isinstance(message.id, (tuple, list))
    for form in _forms(message.string):
        fields, stray = _percent_fields(form)
        if stray:
            return "a '%' in the translation starts no placeholder (write '%%' for a percent sign)"
        for name, kind in fields:
            if name is None:
                return f"the translation has a positional placeholder %{kind}; use the msgid's names"
            if name not in wanted:
                return f"the translation has %({name}){kind}, which the msgid does not have"
            if kind != wanted[name] and kind != "s":  # %s shows any value; %d of a text fails
                return f"the translation has %({name}){kind} where the msgid has %({name}){wanted[name]}"
        if not plural and {n for n, _ in fields} != set(wanted):
            missing = sorted(set(wanted) - {n for n, _ in fields})
            return f"the translation lacks {', '.join(f'%({n})' + wanted[n] for n in missing)}"
        if not plural and sorted(_BRACES.findall(form)) != sorted(_BRACES.findall(message.id)):
            return "the translation's {placeholders} differ from the msgid's"
    return None


def _content_placeholder_problem(message):
    """What is wrong with a content translation's placeholders (%s, {0}: the API fills them
    in), or None: each must be kept, as many times as upstream wrote it."""
    if not isinstance(message.id, str):
        return None  # a plural message: content has none, and the site never looks one up
    wanted = sorted(placeholders_in(message.id))
    for form in _forms(message.string):
        found = sorted(placeholders_in(form))
        if found != wanted:
            return f"the translation has placeholders {found}, the msgid {wanted}"
    return None


def interface_translations(lang, locale_dir=LOCALE_DIR):
    """Translations for the interface of a language (English needs none)."""
    if lang == "en":
        return gettext.NullTranslations()
    return gnu_translations(catalog_path(lang, "messages", locale_dir), lang)


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
        self.messages = content_messages(catalog_path(lang, "content", locale_dir), lang)
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
