"""Services: which Huawei Cloud service each page, entry and code belongs to, and which
text fills a language where a service's own page has none.

A source (one upstream page) names its service; h-scraper's dataset adds the service's
names in both languages, the page's public URL and its retrieval date. Older datasets have
only `service` (a name), so every field is read with a default.

Texts for a page in language L, in this order (issue 16): upstream's own text in L; the
same sentence translated on another service's page (found by its normalised text); the
content catalog; else the other language's text, shown as a labelled fallback.
"""

import functools
import re
from dataclasses import dataclass

from .i18n import OTHER

UPSTREAM, REUSED, CATALOG, FALLBACK = "upstream", "reused", "catalog", "fallback"
TEXT_KINDS = (UPSTREAM, REUSED, CATALOG, FALLBACK)
# Punctuation that upstream types in either width: normalised before texts are compared.
_WIDE = str.maketrans({"，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "！": "!", "？": "?"})


@dataclass(frozen=True)
class Service:
    """A service with its names and its upstream pages."""

    id: str
    names: dict  # {lang: name}
    pages: tuple  # (language, public URL or None, retrieved or None), in language order

    def name(self, lang):
        """The service's name in a language, else in the other one, else its id."""
        return self.names.get(lang) or self.names.get(OTHER[lang]) or self.id

    def url(self, lang):
        """The public URL of its page in a language, else of its page in another language."""
        own = [url for language, url, _ in self.pages if language == lang and url]
        return (own or [url for _, url, _ in self.pages if url] or [None])[0]

    def retrieved(self):
        """The newest retrieval date of its pages."""
        return max((date for _, _, date in self.pages if date), default=None)


def public_url(source):
    """The page's public address: its `url`, else an https origin; never a file path."""
    for url in (getattr(source, "url", None), source.origin):
        if url and url.startswith("https://"):
            return url
    return None


def source_names(source):
    """{lang: name} of a source's service ({lang: service} where the dataset has no names)."""
    names = getattr(source, "service_name", None) or {}
    return {lang: name for lang, name in sorted(names.items()) if name} or {source.language: source.service}


def services_of(sources):
    """{service id: Service} of every service, ordered by id (case-blind): a stable order."""
    found = {}
    for source in sources:
        names, pages = found.setdefault(source.service, ({}, []))
        for lang, name in source_names(source).items():
            names.setdefault(lang, name)
        pages.append((source.language, public_url(source), source.retrieved))
    return {sid: Service(sid, names, tuple(sorted(pages, key=lambda p: (p[0] != "zh", p))))
            for sid, (names, pages) in sorted(found.items(), key=lambda item: (item[0].casefold(), item[0]))}


def entry_services(entry, sources, order):
    """The service ids of an entry's origins, in the services' order."""
    found = {sources[o.source].service for o in entry.origins if o.source in sources}
    return tuple(sorted(found, key=order.get))


@functools.lru_cache(maxsize=16384)  # recurring sentences, looked up once per language and page
def normalise(text):
    """A text as compared across services: one space for any whitespace, one punctuation width."""
    return " ".join(text.translate(_WIDE).split())


def reuse_index(codes, sources):
    """{(language, normalised text): (translation, source id)} of every sentence that an
    entry has in both languages: upstream's own translation, for other services to reuse.

    The first entry (in code order) that has a sentence gives its translation: a stable choice.
    """
    index = {}
    for code in codes:
        for entry in code.entries:
            for texts in (entry.description, entry.solution):
                if len(texts) < 2:
                    continue
                origin = _source_in(entry, sources, "en") or ""
                for lang, text in texts.items():
                    index.setdefault((lang, normalise(text)), (texts[OTHER[lang]], origin))
    return index


def _source_in(entry, sources, lang):
    """The id of an entry's first source page in a language."""
    return next((o.source for o in entry.origins if o.source in sources and sources[o.source].language == lang),
                None)


def choose_text(texts, lang, reuse, catalog):
    """(kind, text, its language, source id or None) of {lang: text} on a page in `lang`.

    None when there is no text at all.
    """
    if not texts:
        return None
    if lang in texts:
        return UPSTREAM, texts[lang], lang, None
    source_lang, text = next(iter(sorted(texts.items())))
    found = reuse.get((source_lang, normalise(text)))
    if found:
        return REUSED, found[0], lang, found[1] or None
    translated = catalog.get(text)
    if translated:
        return CATALOG, translated, lang, None
    return FALLBACK, text, source_lang, None


def coverage(codes, sources, lang, reuse, catalog):
    """{service id: {kind: number of texts}} of the descriptions and solutions of each
    service's entries on pages in `lang`, by where their text comes from (TEXT_KINDS)."""
    order = {sid: i for i, sid in enumerate(services_of(sources.values()))}
    counts = {sid: dict.fromkeys(TEXT_KINDS, 0) for sid in order}
    for code in codes:
        for entry in code.entries:
            kinds = [chosen[0] for chosen in (choose_text(texts, lang, reuse, catalog)
                                              for texts in (entry.description, entry.solution)) if chosen]
            for sid in entry_services(entry, sources, order):
                for kind in kinds:
                    counts[sid][kind] += 1
    return counts


def coverage_lines(codes, sources, catalogs, reuse):
    """One line per language and service, for the build's report: where each text comes from."""
    lines = []
    for lang, catalog in catalogs.items():
        for sid, counts in coverage(codes, sources, lang, reuse, catalog).items():
            total = sum(counts.values())
            shown = total - counts[FALLBACK]
            lines.append(f"coverage {lang} {sid}: {shown}/{total} texts"
                         + "".join(f", {counts[kind]} {kind}" for kind in TEXT_KINDS))
    return lines


def read_complete_services(path):
    """The services the maintainers declared completely translated (one id a line, # comments);
    None without the file: then every service is held to it, as before services were listed."""
    if path is None or not path.exists():
        return None
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(line for line in lines if line)


def unknown_services(complete, sources, path):
    """Warnings for services declared complete that no page of the dataset names."""
    known = {source.service for source in sources}
    return [f"{path}: no upstream page is of the service {sid!r}; its line is not used"
            for sid in sorted(complete or ()) if sid not in known]


_SENTENCE_END = re.compile(r"(?<=[。！？!?])|(?<=\.)\s+(?=[A-Z0-9\"'(（《])")


def first_sentence(text):
    """The first sentence of a plain text (Chinese or English)."""
    head = _SENTENCE_END.split(text.strip(), maxsplit=1)[0].strip()
    return head or text.strip()


_FILLER = re.compile(r"请|检查|是否|重新|正确|\b(?:please|check|whether|correct|the|is)\b|[\s\W_]+", re.I)


def restates(solution, others):
    """Does a solution only repeat what the message or description says ("检查输入数据的JSON格式")?

    True when nearly every two-character piece of it, fillers ("请检查", "check") left out,
    is in one of the other texts (same language or not).
    """
    folded = _fold(solution)
    pieces = {folded[i:i + 2] for i in range(len(folded) - 1)}
    if not pieces:
        return True
    need = 0.75 * len(pieces)
    return any(sum(piece in other for piece in pieces) >= need for other in map(_fold, filter(None, others)))


@functools.lru_cache(maxsize=16384)
def _fold(text):
    return _FILLER.sub("", text.casefold())
