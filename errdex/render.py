"""Stage 4: render view data with Jinja2 templates (autoescaped, strict, translated)."""

import functools
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import urls
from .i18n import HTML_LANG, LANGUAGE_LABELS, OTHER, interface_translations
from .http_status import reason_phrase
from .markup import plain_text, render_markdown, render_note

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
# Compiled templates are kept between builds (Jinja checks them against the sources).
BYTECODE_DIR = Path(__file__).resolve().parent.parent / "build" / "jinja-cache"
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}
# Our own constant, so it is marked safe: the quotes around 'self' stay readable in the HTML.
CSP = Markup("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
             "form-action 'self'")


@functools.lru_cache(maxsize=8)
def make_environment(lang, templates_dir=TEMPLATES_DIR):
    """A Jinja environment for one language: autoescape, StrictUndefined, gettext.

    Cached: templates compile once per process, and forked render workers inherit them.
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        autoescape=True, undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True, auto_reload=False, bytecode_cache=_bytecode_cache())
    env.install_gettext_translations(interface_translations(lang), newstyle=True)
    env.globals.update(fast_gettext(interface_translations(lang)))
    env.globals["shared"] = shared_partial()
    env.filters["markdown"] = render_markdown
    env.filters["plain"] = plain_text
    env.filters["note"] = render_note
    env.globals.update(
        lang=lang, other_lang=OTHER[lang], html_lang=HTML_LANG[lang], HTML_LANG=HTML_LANG,
        language_names=LANGUAGE_NAMES, language_labels=LANGUAGE_LABELS, urls=urls, csp=CSP, reason_phrase=reason_phrase)
    return env


def _bytecode_cache():
    try:
        BYTECODE_DIR.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only checkout: compile in memory every time
        return None
    return jinja2.FileSystemBytecodeCache(str(BYTECODE_DIR))


def fast_gettext(translations):
    """`_`, `gettext` and `ngettext` with Jinja's newstyle semantics, minus its per-call overhead.

    Jinja's own wrappers go through Context.call for every string (a third of the
    render time of a code page); these cache the translated Markup per message.
    Translations are trusted; the values put into them are escaped by Markup's %.
    """
    @functools.lru_cache(maxsize=None)
    def translated(message):
        return Markup(translations.gettext(message))

    @functools.lru_cache(maxsize=None)
    def constant(message):
        # Newstyle gettext always formats (so "%%" means "%"), even without variables.
        return translated(message) % {}

    def gettext(message, **variables):
        return translated(message) % variables if variables else constant(message)

    def ngettext(singular, plural, num, **variables):
        variables.setdefault("num", num)
        return Markup(translations.ngettext(singular, plural, num)) % variables

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext}


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


def render_page(env, spec, site):
    """Render one page; links are made relative to the page's own path."""
    template = env.get_template(spec.template)
    # `root ~ "assets/…"` in templates saves a url() call for the links every page has.
    return template.render(
        page_path=spec.path, url=functools.partial(urls.relative, spec.path), root=urls.relative(spec.path, ""),
        absolute_url=functools.partial(urls.absolute, site.site_url),
        alternates=spec.alternates, site=site, **spec.context)


def render_root_page(env, template_name, path, site, url, **context):
    """Render a page outside the language trees (landing page, 404) with a given url()."""
    return env.get_template(template_name).render(
        page_path=path, url=url, root=url(""), absolute_url=functools.partial(urls.absolute, site.site_url),
        alternates={}, site=site, **context)

