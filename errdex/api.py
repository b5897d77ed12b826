"""The API for scripts: the content of api/v1/ (what site.py writes there).

- api/v1/codes/{CODE}.json: a code as in the dataset, plus what the site shows of it: the
  services that list it, each entry's texts in every language the site shows (each marked
  with where it comes from), the maintainers' notes (Markdown), its pages in both languages,
  and whether it is retired. A redirected code's file names its new code.
- api/v1/errors.json: the dataset, its codes as in their own files, current then retired
  ones (marked), the services and the redirects.
- api/v1/codes.json: every code with a page (current, retired, redirected), as a list.
- api/v1/schema.json: the JSON Schema of these files, the dataset's schema extended.

Version 1 grows and never breaks: fields are added, never renamed or dropped.
"""

import copy
import json
from dataclasses import dataclass
from pathlib import Path

from . import model, urls
from . import services as svc
from .errors import BuildError
from .gather import codes_with_pages
from .i18n import ContentTranslator
from .pipeline import compact_json

DATASET_SCHEMA = Path(__file__).resolve().parent.parent / "schema" / "errors.schema.json"


@dataclass(frozen=True)
class ApiContext:
    """What the API files are made from besides each code: services, texts to reuse, catalogs, notes."""

    sources: dict
    services: dict
    order: dict
    reuse: dict
    catalogs: dict  # {lang: {text: translation}}
    notes: object  # notes.Notes or None


def api_context(content, locale_dir=None):
    """The ApiContext of a site's content (gather.SiteContent) and its content catalogs."""
    dataset = content.dataset
    sources = {s.id: s for s in dataset.sources}
    services = svc.services_of(dataset.sources)
    locale = {"locale_dir": locale_dir} if locale_dir else {}
    return ApiContext(sources, services, {sid: i for i, sid in enumerate(services)},
                      content.reuse,
                      {lang: ContentTranslator(lang, **locale).messages for lang in urls.LANGUAGES}, content.notes)


def coverage_report(content, locale_dir=None):
    """The build's lines of translation coverage, per language and service."""
    context = api_context(content, locale_dir)
    return svc.coverage_lines(content.dataset.codes, context.sources, context.catalogs, context.reuse)


def api_paths(content):
    """Every path api_files writes (for the registry of published URLs)."""
    return [urls.API_DATASET_PATH, urls.API_CODES_PATH, urls.API_SCHEMA_PATH] + \
        [urls.api_code_path(c) for c in codes_with_pages(content)]


def api_files(content, locale_dir=None):
    """(path, JSON) of the API's files, in a fixed order: one per code with a page, the list of
    those codes (the 404 page resolves links against it), the schema and the dataset."""
    context = api_context(content, locale_dir)
    documents = []
    for code in content.dataset.codes:
        documents.append(compact_json(code_document(code, context)))
        yield urls.api_code_path(code.code), documents[-1] + "\n"
    for record in content.retired:
        documents.append(compact_json(code_document(record.code, context, record.retired_on)))
        yield urls.api_code_path(record.code.code), documents[-1] + "\n"
    for old, new in sorted(content.redirects.items()):
        yield urls.api_code_path(old), compact_json(redirect_document(old, new)) + "\n"
    yield urls.API_CODES_PATH, compact_json(codes_with_pages(content)) + "\n"
    yield urls.API_SCHEMA_PATH, json.dumps(api_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    rest = {"redirects": dict(sorted(content.redirects.items())),
            "services": [service_document(s) for s in context.services.values()]}
    yield urls.API_DATASET_PATH, dataset_json_pieces(content.dataset, documents, rest)


def redirect_document(old, new):
    """The file of a code upstream renamed: where it went, and its pages."""
    return {"code": old, "redirect_to": new, "pages": {lang: urls.code_path(lang, old) for lang in urls.LANGUAGES}}


def service_document(service):
    """A service as the API names it: id, names, upstream pages, and its page on this site."""
    return {"id": service.id, "name": dict(sorted(service.names.items())),
            "upstream": [{"language": language, "url": url, "retrieved": retrieved}
                         for language, url, retrieved in service.pages],
            "pages": {lang: urls.service_path(lang, service.id) for lang in urls.LANGUAGES}}


def code_document(code, context, retired_on=None):
    """A code's API document: the dataset's code with services, texts, notes, pages, retirement."""
    document = model.code_to_json(code)
    services = set()
    for entry, raw in zip(code.entries, document["entries"]):
        ids = svc.entry_services(entry, context.sources, context.order)
        services.update(ids)
        raw["services"] = list(ids)
        raw["texts"] = {name: entry_texts(texts, context) for name, texts in
                        (("description", entry.description), ("solution", entry.solution))}
    notes = context.notes.texts.get(("code", code.code), {}) if context.notes else {}
    document.update(
        services=[service_document(context.services[sid]) for sid in sorted(services, key=context.order.get)],
        notes=dict(sorted(notes.items())), pages={lang: urls.code_path(lang, code.code) for lang in urls.LANGUAGES},
        retired=retired_on is not None, retired_on=retired_on)
    return document


def entry_texts(texts, context):
    """{lang: {"text", "from", "source"}} of a field in every language the site shows it in
    (a language it shows only as the other's labelled fallback is left out)."""
    shown = {}
    for lang in urls.LANGUAGES:
        chosen = svc.choose_text(texts, lang, context.reuse, context.catalogs[lang])
        if chosen is None or chosen[0] == svc.FALLBACK:
            continue
        kind, text, _, via = chosen
        shown[lang] = {"text": text, "from": kind, "source": via}
    return shown


def dataset_json_pieces(dataset, code_texts, extra):
    """The dataset's compact JSON in pieces, its codes spliced in from their own files' JSON.

    The same text as encoding the whole (a test holds them equal), without converting and
    encoding every code a second time, and written piece by piece: joined, the
    100,000-code dataset would be held three times over (60 MB each).
    """
    rest = compact_json({**model.dataset_to_json(dataset, codes=False), **extra, "codes": []})
    # Keys are sorted, so "codes" comes first; JSON strings escape their quotes, so this
    # is the key, not text inside a value.
    empty = '{"codes":[]'
    if not rest.startswith(empty):
        raise BuildError(f"the dataset's JSON starts {rest[:20]!r}, not {empty!r}: a key sorts before 'codes'")
    yield '{"codes":['
    for number, text in enumerate(code_texts):
        yield "," + text if number else text
    yield "]" + rest[len(empty):] + "\n"


_TEXT = {"type": "object", "required": ["text", "from", "source"], "additionalProperties": False,
         "properties": {"text": {"type": "string"}, "from": {"enum": [svc.UPSTREAM, svc.REUSED, svc.CATALOG]},
                        "source": {"type": ["string", "null"],
                                   "description": "For 'reused': the id of the page whose translation it is."}}}
_PAGES = {"type": "object", "description": "The page on this site in each language, relative to the site's root.",
          "required": list(urls.LANGUAGES), "additionalProperties": False,
          "properties": {lang: {"type": "string"} for lang in urls.LANGUAGES}}
_SERVICE = {"type": "object", "required": ["id", "name", "upstream", "pages"], "additionalProperties": False,
            "properties": {
                "id": {"type": "string"},
                "name": {"type": "object", "propertyNames": {"$ref": "#/$defs/language"},
                         "additionalProperties": {"type": "string"}},
                "upstream": {"type": "array", "items": {
                    "type": "object", "required": ["language", "url", "retrieved"], "additionalProperties": False,
                    "properties": {"language": {"$ref": "#/$defs/language"},
                                   "url": {"type": ["string", "null"]}, "retrieved": {"type": ["string", "null"]}}}},
                "pages": _PAGES}}
_REDIRECT = {"type": "object", "required": ["code", "redirect_to"], "additionalProperties": False,
             "properties": {"code": {"type": "string"}, "redirect_to": {"type": "string"}, "pages": _PAGES}}


def api_schema():
    """The JSON Schema of api/v1/: the dataset's schema, its codes and entries extended with
    what the site adds, plus $defs/code_file (a code's file) and $defs/code_list (codes.json)."""
    schema = copy.deepcopy(json.loads(DATASET_SCHEMA.read_text(encoding="utf-8")))
    schema["$id"] = "errdex/api/v1/schema.json"
    schema["title"] = "errdex API v1 (api/v1/errors.json; $defs/code_file: api/v1/codes/{CODE}.json)"
    defs = schema["$defs"]
    defs["entry"]["properties"].update(
        services={"type": "array", "items": {"type": "string"}, "description": "Ids of the services that list it."},
        texts={"type": "object", "additionalProperties": False, "properties": {
            name: {"type": "object", "propertyNames": {"$ref": "#/$defs/language"},
                   "additionalProperties": {"$ref": "#/$defs/shown_text"}} for name in ("description", "solution")}})
    defs["entry"]["required"] = defs["entry"]["required"] + ["services", "texts"]
    defs["code"]["properties"].update(
        services={"type": "array", "items": {"$ref": "#/$defs/service"}},
        notes={"$ref": "#/$defs/texts"}, pages=_PAGES, retired={"type": "boolean"},
        retired_on={"type": ["string", "null"], "description": "When upstream stopped listing it, YYYY-MM-DD."})
    defs["code"]["required"] = defs["code"]["required"] + ["services", "notes", "pages", "retired", "retired_on"]
    defs.update(shown_text=_TEXT, service=_SERVICE, redirect=_REDIRECT,
                code_file={"oneOf": [{"$ref": "#/$defs/code"}, {"$ref": "#/$defs/redirect"}]},
                code_list={"type": "array", "items": {"type": "string"}})
    schema["properties"].update(services={"type": "array", "items": {"$ref": "#/$defs/service"}},
                                redirects={"type": "object", "additionalProperties": {"type": "string"}})
    schema["required"] = schema["required"] + ["services", "redirects"]
    return schema
