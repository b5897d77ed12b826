"""Stage 4: render view data with Jinja2 templates (autoescaped, strict, translated).

Stock Jinja, used as documented: an Environment with autoescape, StrictUndefined and the
i18n extension, a FileSystemBytecodeCache, and templates rendered whole. Speed comes from
rendering once what is the same on many pages (index rows, the header's search box,
translated labels), never from Jinja's or MarkupSafe's internals.
"""

import functools
import hashlib
from pathlib import Path
from typing import NamedTuple

import jinja2
from jinja2.ext import Extension
from jinja2.lexer import Token
from markupsafe import Markup, escape

from . import urls
from .errors import BuildError
from .http_status import reason_phrase
from .i18n import LANGUAGE_LABELS, catalog_path, interface_translations
from .languages import HTML_LANG, LANGUAGE_NAMES
from .markup import plain_text, render_markdown, render_note

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
# Compiled templates are kept between builds; Jinja checks them against the sources and its version.
BYTECODE_DIR = Path(__file__).resolve().parent.parent / "build" / "jinja-cache"
# Our own constant, so it is marked safe: the quotes around 'self' stay readable in the HTML.
CSP = Markup("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
             "form-action 'self'")


@functools.lru_cache(maxsize=8)
def make_environment(lang, templates_dir=TEMPLATES_DIR, translations=None):
    """A Jinja environment for one language: autoescape, StrictUndefined, gettext.

    `translations` (a gettext translations object) replaces the language's catalog, for
    tests; templates compiled with it are not kept. Cached: templates compile once per
    process, and forked workers inherit them.
    """
    cache = _bytecode_cache(lang) if translations is None else None
    translations = interface_translations(lang) if translations is None else translations
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        autoescape=True, undefined=jinja2.StrictUndefined, extensions=["jinja2.ext.i18n", ConstantTranslations],
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, auto_reload=False,
        bytecode_cache=cache)
    gettext, ngettext = text_gettext(translations, catalog_name(lang))
    env.extend(constant_translation=functools.partial(constant_translation, translations, catalog_name(lang)))
    env.install_gettext_callables(gettext, ngettext, newstyle=False)
    # `_` is the i18n extension's alias that looks `gettext` up on every call; the function itself.
    env.globals["_"] = gettext
    env.globals["shared"] = shared_partial()
    env.globals["code_rows"] = TableRows(env)
    env.filters["markdown"] = render_markdown
    env.filters["plain"] = plain_text
    env.filters["note"] = render_note
    env.globals.update(
        lang=lang, home_path=urls.home_path(lang), html_lang=HTML_LANG[lang], HTML_LANG=HTML_LANG,
        og_locale=HTML_LANG[lang].replace("-", "_"), language_labels=LANGUAGE_LABELS, urls=urls, csp=CSP,
        reason_phrase=reason_phrase)
    # The shared macros, as `m` in every template; made last, as a module sees the globals it was made with.
    env.globals["m"] = env.get_template("_macros.html").module
    return env


def _bytecode_cache(lang):
    """Jinja's own file cache of compiled templates, or none in a read-only checkout.

    A compiled template holds its language's translations (ConstantTranslations), and
    Jinja keys its cache by the template's name and source only: so one folder per
    language, catalog and version of the folding.
    """
    path = catalog_path(lang, "messages")
    catalog = hashlib.sha256(path.read_bytes() if lang != "en" and path.exists() else b"").hexdigest()[:16]
    folder = BYTECODE_DIR / f"{lang}-{ConstantTranslations.VERSION}-{catalog}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


def catalog_name(lang):
    """How messages name the interface catalog of a language (English has none)."""
    return "the templates" if lang == "en" else catalog_path(lang, "messages").as_posix()


def text_gettext(translations, catalog):
    """`gettext` and `ngettext` for templates, whose translations are text, not markup.

    A translation is escaped like any value, then the variables are put in with Markup's
    `%`, which escapes them too: a hostile msgstr shows as its characters. As with Jinja's
    newstyle gettext, a message is always formatted ("%%" is "%"). Translations without
    variables are the same on every page: each is escaped and formatted once.
    """
    @functools.lru_cache(maxsize=None)
    def escaped(message):
        return escape(translations.gettext(message))

    @functools.lru_cache(maxsize=None)
    def constant(message):
        return format_translation(escaped(message), {}, message, catalog)

    def gettext(message, **variables):
        if not variables:
            return constant(message)
        return format_translation(escaped(message), variables, message, catalog)

    def ngettext(singular, plural, num, **variables):
        variables.setdefault("num", num)
        return format_translation(escape(translations.ngettext(singular, plural, num)), variables, singular,
                                  catalog)

    return gettext, ngettext


def format_translation(translated, variables, message, catalog):
    """translated % variables; a translation whose placeholders do not fit is a BuildError."""
    try:
        return translated % variables
    except (KeyError, ValueError, TypeError, IndexError) as error:
        raise BuildError(f"{catalog}: the translation of {message!r} does not fit its placeholders "
                         f"({type(error).__name__}: {error}); it must use the msgid's "
                         f"{', '.join(sorted(variables)) or 'no'} placeholders") from None


class ConstantTranslations(Extension):
    """Put the translation of `_("literal")` into the template when it compiles.

    A label without variables is the same on every page of a language, yet a call in the
    template costs more than the label: a code page has about forty. This extension
    (Jinja's documented `filter_stream` hook, as in its own "inline gettext" example)
    replaces the tokens `_ ( "literal" )` by the string of its translation, which Jinja
    then escapes once, when it compiles. Calls with variables, or of a value, stay calls.
    """

    VERSION = "1"  # of what the folding puts into compiled templates

    def filter_stream(self, stream):
        translate = self.environment.constant_translation
        tokens = list(stream)
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if (token.type == "name" and token.value in ("_", "gettext")
                    and (index == 0 or tokens[index - 1].type != "dot")
                    and [t.type for t in tokens[index + 1:index + 4]] == ["lparen", "string", "rparen"]):
                yield Token(token.lineno, "string", translate(tokens[index + 2].value))
                index += 4
                continue
            yield token
            index += 1


def constant_translation(translations, catalog, message):
    """The text `_(message)` shows without variables: translated, "%%" as "%" (as gettext does)."""
    return format_translation(translations.gettext(message), {}, message, catalog)


def shared_partial():
    """`shared(name)`: a partial that depends only on the language and `root`, rendered once.

    The header's search box is the same on every page of a language at the same depth;
    rendering it once per depth instead of once per page saves a fifth of a build.
    """
    cache = {}

    @jinja2.pass_context
    def shared(context, name):
        key = (name, context["root"])
        if key not in cache:
            cache[key] = Markup(context.environment.get_template(name).render(root=context["root"]))
        return cache[key]

    return shared


class TableRows:
    """`code_rows(rows, root)`: the rows of an index table, each code's rendered once.

    A code's row (the macro m.code_row) is the same on every page that lists it, its
    prefix's, each of its statuses' and the home page's, but for `root`. So it is rendered
    once per language with a marker for `root`, which each page replaces: at 100,000 codes
    a language's tables hold 200,000 rows. Rows are kept as UTF-8: a str with one Chinese
    character in it takes two bytes for every character, its markup's too. forget() lets
    the rows go once the index pages are made.
    """

    # Escaped text cannot hold "<": only `root` puts this marker into a row.
    ROOT = Markup("<@root>")

    def __init__(self, env):
        self.env = env
        self._rows = {}  # code: (its RowView, its row's HTML)

    def __call__(self, rows, root):
        code_row, made = self.env.globals["m"].code_row, self._rows
        html = []
        for row in rows:
            known = made.get(row.code)
            if known is None or known[0] is not row:  # a code's row is one object per language
                known = made[row.code] = (row, str(code_row(row, self.ROOT)).encode("utf-8"))
            html.append(known[1])
        return Markup(b"".join(html).decode("utf-8").replace(self.ROOT, escape(root)))

    def forget(self):
        self._rows.clear()


class LanguageLink(NamedTuple):
    """The same page in another language, for the language switch."""

    lang: str
    hreflang: str
    name: str
    href: str  # relative to the page


def page_variables(spec, site):
    """What a page's template sees besides the globals; links are relative to the page.

    The links every page's head and header make are made here, in plain Python: in the
    template, each costs calls (url(), absolute_url(), lookups) that cost more than the link.
    """
    root = urls.relative(spec.path, "")
    page_url = urls.absolute(site.site_url, spec.path)
    # `root ~ "assets/…"` in templates saves a url() call for the links every page has.
    return dict(page_path=spec.path, url=functools.partial(urls.relative, spec.path),
                root=root, absolute_url=functools.partial(urls.absolute, site.site_url),
                alternates=spec.alternates, site=site, page_url=page_url,
                language_links=tuple(LanguageLink(lang, HTML_LANG[lang], LANGUAGE_NAMES[lang], root + path)
                                     for lang, path in spec.alternates.items()),
                hreflang_links=_hreflang_links(spec, root, page_url, site), **spec.context)


def _hreflang_links(spec, root, page_url, site):
    """(hreflang, href) of the page in each language, itself last: absolute with SITE_URL."""
    if not spec.alternates:
        return ()
    return tuple((HTML_LANG[lang], urls.absolute(site.site_url, path) or root + path)
                 for lang, path in spec.alternates.items()) + ((HTML_LANG[spec.lang], page_url or root + spec.path),)


class PageRenderer:
    """Render the pages of one language: each page its template, rendered whole."""

    def __init__(self, env, site):
        self.env = env
        self.site = site

    def render(self, spec):
        """The HTML of one page."""
        return self.env.get_template(spec.template).render(page_variables(spec, self.site))


def render_root_page(env, template_name, path, site, url, **context):
    """Render a page outside the language trees (landing page, 404) with a given url()."""
    return env.get_template(template_name).render(
        page_path=path, url=url, root=url(""), absolute_url=functools.partial(urls.absolute, site.site_url),
        alternates={}, site=site, **context)
