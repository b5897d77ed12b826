"""Stage 3: gather every page of the site as plain view data, before anything is written.

Each `PageSpec` names its path (urls.py), its template and its context. Texts are
already in the page's language (or marked as a fallback), so templates only lay out.
"""

import bisect
import functools
import json
from collections import OrderedDict
from dataclasses import dataclass, field
# JSON's quoting of one string, non-ASCII kept (the C function json.dumps itself uses).
from json.encoder import encode_basestring as json_string

from . import services as svc
from . import urls
from .http_status import reason_phrase
from .i18n import OTHER, ContentTranslator, LocalText
from .codes import code_sort_key
from .markup import message_parts, plain_text

# Above this many codes the home page links to the prefix indexes instead of listing every code.
HOME_TABLE_LIMIT = 5000
# A code page links at most this many codes with the same message (search finds them all).
SAME_MESSAGE_LIMIT = 20
# Titles and link previews: search engines and chat unfurls cut longer ones anywhere.
TITLE_LIMIT = 70
DESCRIPTION_LIMIT = 160
# What "· 3 services" adds to a title.
SERVICES_TITLE_ROOM = 14

# The views made once per code and language (PageSpec, RowView, OriginView, EntryView,
# CodeView) are slotted and not frozen: nothing changes them once made, and a frozen
# dataclass sets each field through object.__setattr__ (3 µs more per view, 10% of a
# code page's views). The others are frozen.


@dataclass(slots=True)
class PageSpec:
    """One HTML page to render: where, with which template and data."""

    path: str
    template: str
    lang: str
    context: dict
    alternates: dict = field(default_factory=dict)  # lang -> path of the same page


@dataclass(slots=True)
class RowView:
    """A code as one row of an index table."""

    code: str
    path: str
    statuses: tuple
    message: str | None
    summary: object  # LocalText or None
    status_links: tuple = ()  # (status, path of its index or None)
    check: object = None  # LocalText: the first sentence of the solution, or None


@dataclass(slots=True)
class OriginView:
    """Where an entry came from, for the 'Source' section of a code page."""

    source_id: str
    service: str  # its name in the page's language
    language: str
    title: str | None
    url: str | None  # the upstream page's public URL (never a file path)
    retrieved: str | None
    row: int


@dataclass(slots=True)
class EntryView:
    """One meaning of a code, as shown on its page."""

    number: int
    suffix: str  # "" for the first entry, "-2" for the second: stable section ids
    http_status: int | None
    status_path: str | None  # of the status's index
    reason: str
    message: str | None
    message_parts: tuple
    placeholders: tuple
    description: object
    solution: object
    example: str
    variants: tuple
    origins: tuple
    extra: tuple
    services: tuple = ()  # ServiceRef of the services whose pages list this entry
    restated: bool = False  # the solution only repeats the message or description
    description_via: str | None = None  # the service whose page translated it, if reused
    solution_via: str | None = None


@dataclass(frozen=True)
class ServiceRef:
    """A service as a code or a list names it: its name in the page's language and its pages."""

    id: str
    slug: str  # for ?service= and data-services
    name: str
    path: str
    url: str | None  # its upstream page's public URL


@dataclass(slots=True)
class CodeView:
    """Everything a code's page shows."""

    code: str
    prefix: str
    path: str
    prefix_path: str
    entries: tuple
    statuses: tuple
    headline: str  # one line for titles and link previews
    summary: str  # the first entry's description and solution as plain text, for link previews
    same_message: tuple  # RowView of other codes with an identical message
    previous: RowView | None
    next: RowView | None
    note: object = None  # LocalText of the maintainers' note, if any
    retired_on: str | None = None  # date upstream stopped listing the code
    last_listed: str | None = None  # date of the last upstream copy that still listed it
    services: tuple = ()  # ServiceRef, in the services' order
    several_services: bool = False  # entries of different services, one section each
    title: str = ""  # the headline, cut so that "code · title" stays near TITLE_LIMIT
    description: str = ""  # the summary, cut near DESCRIPTION_LIMIT


@dataclass(frozen=True)
class SectionView:
    heading: object
    body: object


@dataclass(frozen=True)
class SourceView:
    """A source page's prose, in the page's language."""

    id: str
    service: str
    title: object
    intro: tuple
    example_status: int | None
    example_body: str | None
    remarks: tuple


@dataclass(frozen=True)
class Group:
    """A prefix or a status with its codes (and, for a prefix, its retired codes and note)."""

    key: object
    path: str
    rows: tuple
    retired: tuple = ()
    note: object = None
    services: tuple = ()  # ServiceRef of the services that use a prefix


@dataclass(frozen=True)
class ServiceView:
    """A service's page: its codes (by prefix where it has several), its upstream pages, coverage."""

    ref: ServiceRef
    names: dict
    pages: tuple  # (language, public URL or None, retrieved or None)
    retrieved: str | None
    rows: tuple
    groups: tuple  # (prefix, rows), when it uses several prefixes
    coverage: dict  # services.TEXT_KINDS -> number of texts, in the page's language


@dataclass(frozen=True)
class RedirectView:
    """A code that upstream renamed or split: its page sends the reader on."""

    code: str
    path: str
    target: str
    target_path: str


def example_body(code, message):
    """The error response body for a code, as the API sends it (pretty-printed)."""
    # json.dumps with indent= runs the pure-Python encoder, and with ensure_ascii=False makes
    # an encoder per call; two strings need only JSON's quoting, which is what this is.
    return f'{{\n  "error_code": {json_string(code)},\n  "error_msg": {json_string(message or "")}\n}}'


def pretty_json(text):
    """A JSON example indented by two spaces (upstream's copies lose their indentation); other text as it is."""
    try:
        value = json.loads(text) if text else None
    except ValueError:
        return text
    return json.dumps(value, ensure_ascii=False, indent=2) if isinstance(value, (dict, list)) else text


class SiteViews:
    """Build the view data of one language from the dataset."""

    def __init__(self, dataset, lang, locale_dir=None, retired=(), redirects=None, notes=None, complete=None,
                 reuse=None):
        self.dataset = dataset
        # Services whose untranslated texts are warnings (None: every service's).
        self.complete = complete
        self.lang = lang
        self._locale = {"locale_dir": locale_dir} if locale_dir else {}
        self.translator = ContentTranslator(lang, **self._locale)
        self.sources = {s.id: s for s in dataset.sources}
        self.services = svc.services_of(dataset.sources)
        self._service_order = {sid: i for i, sid in enumerate(self.services)}
        self._refs = {sid: self._service_ref(service) for sid, service in self.services.items()}
        self._code_services = {}  # code: (Code, its ServiceRefs)
        # services.reuse_index of the dataset: a build's views share the one gather made
        self.reuse = svc.reuse_index(dataset.codes, self.sources) if reuse is None else reuse
        self.rows = tuple(self._row(code) for code in dataset.codes)
        self.retired = tuple(retired)
        # A status has an index only if a current code has it.
        self._indexed_statuses = {status for row in self.rows for status in row.statuses if status is not None}
        self.retired_rows = tuple(self._row(r.code, self._indexed_statuses) for r in self.retired)
        self.redirects = dict(redirects or {})
        self.notes = notes

    # ------------------------------------------------------------ texts and services

    def pick(self, texts, place, services=()):
        """The text of {lang: text} for this language: upstream, reused, catalog, else a fallback.

        A fallback is a warning (translator.missing) if one of `services` is declared complete;
        the others' are counted in the coverage the build reports.
        """
        chosen = svc.choose_text(texts, self.lang, self.reuse, self.translator.messages)
        if chosen is None:
            return None
        kind, text, lang, via = chosen
        if kind == svc.FALLBACK and (self.complete is None or not services or self.complete & set(services)):
            self.translator.missing.setdefault(text, place)
        return LocalText(text, lang, fallback=kind == svc.FALLBACK, via=via)

    def _service_ref(self, service):
        return ServiceRef(service.id, urls.service_slug(service.id), service.name(self.lang),
                          urls.service_path(self.lang, service.id), service.url(self.lang))

    def code_services(self, code):
        """ServiceRef of every service that lists a code, in the services' order (made once a code)."""
        known = self._code_services.get(code.code)
        if known is None or known[0] is not code:
            found = {sid for entry in code.entries for sid in self.entry_services(entry)}
            known = self._code_services[code.code] = (
                code, tuple(self._refs[sid] for sid in sorted(found, key=self._service_order.get)))
        return known[1]

    def entry_services(self, entry):
        """The service ids of an entry, in the services' order."""
        return svc.entry_services(entry, self.sources, self._service_order)

    def via_name(self, text):
        """The name of the service whose page gave a reused translation, else None."""
        source = self.sources.get(text.via) if text is not None and text.via else None
        return self._refs[source.service].name if source else None

    # ------------------------------------------------------------ rows and groups

    def _row(self, code, statuses_listed=None):
        first = code.entries[0]
        services = self.entry_services(first)
        summary = self.pick(first.description, f"{code.code} description", services) \
            or self.pick(first.solution, f"{code.code} solution", services)
        solution = self.pick(first.solution, f"{code.code} solution", services)
        check = LocalText(svc.first_sentence(plain_text(solution.text)), solution.lang, solution.fallback,
                          solution.via) if solution else None
        statuses = _statuses(code)
        links = tuple((s, urls.status_path(self.lang, s) if s is not None and
                       (statuses_listed is None or s in statuses_listed) else None) for s in statuses)
        return RowView(code=code.code, path=urls.code_path(self.lang, code.code),
                       statuses=statuses, message=first.message, summary=summary, status_links=links,
                       check=check)

    def prefixes(self):
        """Prefix groups sorted by prefix, with their retired codes apart."""
        groups, retired = {}, {}
        for code, row in zip(self.dataset.codes, self.rows):
            groups.setdefault(code.prefix, []).append(row)
        for record, row in zip(self.retired, self.retired_rows):
            retired.setdefault(record.code.prefix, []).append(row)
        keys = sorted(set(groups) | set(retired), key=lambda p: (p.casefold(), p))
        services = {}
        for code in self.dataset.codes:
            services.setdefault(code.prefix, {}).update(dict.fromkeys(r.id for r in self.code_services(code)))
        return tuple(Group(p, urls.prefix_path(self.lang, p), tuple(groups.get(p, ())),
                           tuple(retired.get(p, ())), self._note("prefix", p),
                           tuple(self._refs[s] for s in sorted(services.get(p, ()), key=self._service_order.get)))
                     for p in keys)

    def service_views(self):
        """One ServiceView per service, in the services' order: its codes in code order."""
        rows = {sid: [] for sid in self.services}
        for code, row in zip(self.dataset.codes, self.rows):
            for ref in self.code_services(code):
                rows[ref.id].append((code, row))
        return tuple(self._service_view(self.services[sid], listed) for sid, listed in rows.items())

    def _service_view(self, service, listed):
        groups = {}
        for code, row in listed:
            groups.setdefault(code.prefix, []).append(row)
        return ServiceView(self._refs[service.id], service.names, service.pages, service.retrieved(),
                           tuple(row for _, row in listed),
                           tuple((p, tuple(r)) for p, r in groups.items()) if len(groups) > 1 else (),
                           self._coverage[service.id])

    @functools.cached_property
    def _coverage(self):
        return svc.coverage(self.dataset.codes, self.sources, self.lang, self.reuse, self.translator.messages)

    def _note(self, kind, key):
        return self.notes.pick(kind, key, self.lang) if self.notes else None

    def statuses(self):
        """Status groups in numeric order; a code with several statuses is in each."""
        groups = {}
        for row in self.rows:
            for status in row.statuses:
                if status is not None:
                    groups.setdefault(status, []).append(row)
        return tuple(Group(s, urls.status_path(self.lang, s), tuple(groups[s])) for s in sorted(groups))

    # ------------------------------------------------------------ code pages

    def code_views(self, codes=slice(None)):
        """One CodeView per code (of a slice of them), with neighbours and same-message links.

        A generator, making each view when it is needed: at 100,000 codes the views of every
        page would not fit in memory together.
        """
        by_message, positions, retired_on = self._code_links
        last_listed = {r.code.code: getattr(r, "last_listed", None) for r in self.retired}
        for code, row in self._all_codes[codes]:
            rows, index = positions[code.code]
            same = OrderedDict()
            for entry in code.entries:
                for other in by_message.get(entry.message, ()):
                    if other.code != code.code and len(same) < SAME_MESSAGE_LIMIT:
                        same[other.code] = other
            note = self._note("code", code.code)
            entries = tuple(self._entry(code, i, e, note is not None) for i, e in enumerate(code.entries, start=1))
            services = self.code_services(code)
            several = len({e.services for e in entries}) > 1
            headline = self._headline(code, row)
            room = max(TITLE_LIMIT - len(code.code) - 3 - (SERVICES_TITLE_ROOM if several else 0), 20)
            yield CodeView(
                code=code.code, prefix=code.prefix, path=row.path,
                prefix_path=urls.prefix_path(self.lang, code.prefix), entries=entries,
                statuses=row.statuses, headline=headline, summary=_summary(entries[0]),
                same_message=tuple(same.values()),
                previous=rows[index - 1] if index > 0 else None,
                next=rows[index + 1] if index + 1 < len(rows) else None,
                note=note, retired_on=retired_on.get(code.code),
                last_listed=last_listed.get(code.code), services=services, several_services=several,
                title=cut_at_word(headline, room), description=cut_at_word(_summary(entries[0]), DESCRIPTION_LIMIT))

    @functools.cached_property
    def _code_links(self):
        """What code pages link by: rows by message, each code's place in its prefix, retirements.

        Made once: a build asks for the code views in many slices.
        """
        by_message = {}
        for code, row in zip(self.dataset.codes, self.rows):
            for message in {e.message for e in code.entries if e.message}:
                by_message.setdefault(message, []).append(row)
        positions = {}
        for group in self.prefixes():
            for rows in (group.rows, group.retired):
                for index, row in enumerate(rows):
                    positions[row.code] = (rows, index)
        return by_message, positions, {r.code.code: r.retired_on for r in self.retired}

    @functools.cached_property
    def _all_codes(self):
        """(Code, RowView) of every code with a page: current ones, then retired ones."""
        return list(zip(self.dataset.codes, self.rows)) + \
            list(zip((r.code for r in self.retired), self.retired_rows))

    def redirect_views(self):
        """One page per redirected code, pointing at its final target."""
        return tuple(RedirectView(old, urls.code_path(self.lang, old), new, urls.code_path(self.lang, new))
                     for old, new in sorted(self.redirects.items()))

    def search_records(self, with_texts=True):
        """What the search index needs of every code, current and retired.

        Without texts, only what a result shows (the index's documents) is gathered.
        """
        retired = {r.code.code for r in self.retired}
        catalogs = {self.lang: self.translator.messages,
                    OTHER[self.lang]: ContentTranslator(OTHER[self.lang], **self._locale).messages} \
            if with_texts else {}
        records = [{
            "code": code.code, "url": row.path, "prefix": code.prefix, "statuses": list(row.statuses),
            "messages": [e.message for e in code.entries if e.message],
            "snippet": plain_text(row.summary.text) if row.summary else "",
            **(self._search_texts(code, catalogs) if with_texts else {"texts": {}}), "retired": code.code in retired,
            "prefix_path": urls.prefix_path(self.lang, code.prefix), "services": self._search_services(code),
            "range": getattr(code, "range", None),
        } for code, row in self._all_codes]
        # Current codes come in code order (the model checks it); the retired ones, after them,
        # are put in place. Sorting all records computed every code's sort key in every call.
        current, key = records[:len(self.dataset.codes)], (lambda r: code_sort_key(r["code"], r["prefix"]))
        for record in sorted(records[len(current):], key=key):
            bisect.insort(current, record, key=key)
        return current

    def _search_services(self, code):
        """[id, name in this language, page or ""] of each service a code's entries come from,
        in entry order."""
        found = {}
        service_path = getattr(urls, "service_path", None)  # the service pages, where the site has them
        for entry in code.entries:
            for origin in entry.origins:
                source = self.sources.get(origin.source)
                if source is None or source.service in found:
                    continue
                names = source.service_name or {}
                found[source.service] = [source.service, names.get(self.lang) or names.get(OTHER[self.lang])
                                         or source.service,
                                         service_path(self.lang, source.service) if service_path else ""]
        return list(found.values())

    def _search_texts(self, code, catalogs):
        """{"texts": descriptions, "solutions": …, "notes": …}, each {lang: [plain text, …]},
        of a code, translations too: the index weighs the three fields apart."""
        found = {key: {"zh": [], "en": []} for key in ("texts", "solutions", "notes")}
        for entry in code.entries:
            for key, field_texts in (("texts", entry.description), ("solutions", entry.solution)):
                for lang, text in field_texts.items():
                    found[key][lang].append(plain_text(text))
                    # Both languages are searchable from either site: translations too.
                    translated = catalogs[OTHER[lang]].get(text)
                    if translated and OTHER[lang] not in field_texts:
                        found[key][OTHER[lang]].append(plain_text(translated))
        note_texts = self.notes.texts.get(("code", code.code), {}) if self.notes else {}
        for lang, text in note_texts.items():
            found["notes"][lang].append(plain_text(text))
        return found

    def _headline(self, code, row):
        """'The JSON format … is incorrect.' in en; the Chinese description in zh."""
        if self.lang == "zh" and row.summary is not None and not row.summary.fallback:
            return plain_text(row.summary.text)
        return code.entries[0].message or (plain_text(row.summary.text) if row.summary else "")

    def _entry(self, code, number, entry, noted=False):
        place = f"{code.code}" + (f" entry {number}" if len(code.entries) > 1 else "")
        services = self.entry_services(entry)
        description = self.pick(entry.description, f"{place} description", services)
        solution = self.pick(entry.solution, f"{place} solution", services)
        # Only a note's place depends on it: without one, it is not worked out.
        restated = noted and solution is not None and svc.restates(
            plain_text(solution.text), [entry.message] + [plain_text(t) for t in entry.description.values()]
            + ([plain_text(description.text)] if description else []))
        return EntryView(
            number=number, suffix="" if number == 1 else f"-{number}",
            http_status=entry.http_status, reason=reason_phrase(entry.http_status),
            status_path=urls.status_path(self.lang, entry.http_status)
            if entry.http_status in self._indexed_statuses else None,
            message=entry.message, message_parts=tuple(message_parts(entry.message)),
            placeholders=entry.placeholders, description=description, solution=solution,
            example=example_body(code.code, entry.message),
            variants=tuple(self._variant(v) for v in entry.variants),
            origins=tuple(self._origin(o) for o in entry.origins if o.source in self.sources),
            extra=tuple(sorted(entry.extra.items())), services=tuple(self._refs[s] for s in services),
            restated=restated, description_via=self.via_name(description), solution_via=self.via_name(solution))

    def _variant(self, variant):
        source = self.sources.get(variant["source"])
        if source is None:
            return {"language": "", "service": variant["source"], "message": variant.get("message"),
                    "http_status": variant.get("http_status")}
        return {"language": source.language, "service": self._refs[source.service].name,
                "message": variant.get("message"), "http_status": variant.get("http_status")}

    def _origin(self, origin):
        source = self.sources[origin.source]
        return OriginView(source_id=source.id, service=self._refs[source.service].name, language=source.language,
                          title=source.title, url=svc.public_url(source), retrieved=source.retrieved,
                          row=origin.row)

    # ------------------------------------------------------------ page prose

    def source_views(self):
        """The prose of each service, from its page in this language if there is one."""
        chosen = OrderedDict()
        for source in self.dataset.sources:
            current = chosen.get(source.service)
            if current is None or (source.language == self.lang and current.language != self.lang):
                chosen[source.service] = source
        return tuple(self._source_view(s) for s in chosen.values())

    def _source_view(self, source):
        def tr(text, lang, place):
            return self.pick({lang: text}, place, (source.service,)) if text else LocalText(text, lang)
        place = f"{source.id}"
        intro = tuple(SectionView(tr(s.heading, source.language, f"{place} intro heading") if s.heading else None,
                                  tr(s.body, source.language, f"{place} intro"))
                      for s in source.intro)
        remarks = tuple({"label": tr(r.label, source.language, f"{place} remark label") if r.label else None,
                         "http_status": r.http_status,
                         "text": tr(r.text, source.language, f"{place} remark")}
                        for r in source.remarks)
        example = source.example_response or {}
        return SourceView(id=source.id, service=self._refs[source.service].name,
                          title=tr(source.title, source.language, f"{place} title") if source.title else None,
                          intro=intro, example_status=example.get("http_status"),
                          example_body=pretty_json(example.get("body")), remarks=remarks)

    def warnings(self):
        return self.translator.warnings()


def cut_at_word(text, limit):
    """Cut a text to about `limit` characters, at a space if there is one in its last third, with '…'."""
    if len(text) <= limit:
        return text
    head = text[:max(limit - 1, 1)]
    space = head.rfind(" ")
    if space > limit * 2 // 3:
        head = head[:space]
    return head.rstrip(" ,.;:，。；：") + "…"


def _summary(entry):
    """An entry's description and solution as one line of plain text."""
    return " ".join(plain_text(text.text) for text in (entry.description, entry.solution) if text).strip()


def _statuses(code):
    """Distinct statuses of a code's entries, in entry order."""
    seen = []
    for entry in code.entries:
        if entry.http_status not in seen:
            seen.append(entry.http_status)
    return tuple(seen)


def language_pages(views, home_table_limit=HOME_TABLE_LIMIT, codes=slice(None), others=True):
    """The HTML pages of one language, in a fixed order; code pages are made as they are read.

    `codes` picks a slice of the code pages, and `others=False` leaves out the rest (home,
    indexes, services, redirects, search, API page), so that two processes can share a
    language's pages.
    """
    lang, other = views.lang, OTHER[views.lang]
    if others:
        prefixes, statuses, services = views.prefixes(), views.statuses(), views.service_views()
        total = len(views.rows)
        yield PageSpec(urls.home_path(lang), "home.html", lang, {
            "sources": views.source_views(), "prefixes": prefixes, "statuses": statuses, "services": services,
            "rows": views.rows if total <= home_table_limit else (), "total": total,
        }, {other: urls.home_path(other)})
        yield PageSpec(urls.services_path(lang), "services.html", lang, {"services": services},
                       {other: urls.services_path(other)})
        for service in services:
            yield PageSpec(service.ref.path, "service.html", lang, {"service": service, "page_date": service.retrieved},
                           {other: urls.service_path(other, service.ref.id)})
        for group in prefixes:
            yield PageSpec(group.path, "listing.html", lang, {"kind": "prefix", "group": group},
                           {other: urls.prefix_path(other, group.key)})
        for group in statuses:
            yield PageSpec(group.path, "listing.html", lang,
                           {"kind": "status", "group": group, "reason": reason_phrase(group.key)},
                           {other: urls.status_path(other, group.key)})
    for view in views.code_views(codes):
        yield PageSpec(view.path, "code.html", lang, {"view": view, "page_date": _code_date(view)},
                       {other: urls.code_path(other, view.code)})
    if others:
        for redirect in views.redirect_views():
            yield PageSpec(redirect.path, "redirect.html", lang, {"redirect": redirect},
                           {other: urls.code_path(other, redirect.code)})
        yield PageSpec(urls.search_path(lang), "search.html", lang, {}, {other: urls.search_path(other)})
        yield PageSpec(urls.api_docs_path(lang), "api.html", lang, {"example_code": _example_code(views)},
                       {other: urls.api_docs_path(other)})


def _code_date(view):
    """The newest retrieval date of the upstream copies a code's page shows."""
    return max((o.retrieved for e in view.entries for o in e.origins if o.retrieved), default=None)


def _example_code(views):
    """The code the API page's examples use: the first one, as real as it gets."""
    return views.dataset.codes[0].code if views.dataset.codes else "AIS.0014"
