"""Stage 4: render view data with Jinja2 templates (autoescaped, strict, translated)."""

import collections
import functools
import hashlib
import types
from pathlib import Path
from typing import NamedTuple

import jinja2
import jinja2.ext
import jinja2.runtime
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, optimizeconst
from jinja2.lexer import Token
from jinja2.runtime import new_context
from markupsafe import Markup, escape

try:  # MarkupSafe's C escaper, which returns a plain str
    from markupsafe import _escape_inner
except ImportError:  # another MarkupSafe: the same text, by the public function
    def _escape_inner(text):
        return str(escape(text))

from . import urls
from .i18n import HTML_LANG, LANGUAGE_LABELS, interface_translations
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
    translations = interface_translations(lang)
    env = _Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        autoescape=True, undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n", CompiledGettext], trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True, auto_reload=False,
        bytecode_cache=_bytecode_cache(lang, catalog_fingerprint(translations)))
    env.install_gettext_translations(translations, newstyle=True)
    env.globals.update(fast_gettext(translations))
    env.compiled_gettext = translations.gettext
    env.globals["shared"] = shared_partial()
    env.globals["code_rows"] = TableRows(env)
    env.filters["markdown"] = render_markdown
    env.filters["plain"] = plain_text
    env.filters["note"] = render_note
    env.globals.update(
        lang=lang, home_path=urls.home_path(lang), html_lang=HTML_LANG[lang], HTML_LANG=HTML_LANG,
        og_locale=HTML_LANG[lang].replace("-", "_"), language_labels=LANGUAGE_LABELS, urls=urls, csp=CSP, reason_phrase=reason_phrase)
    # The shared macros, as `m` in every template; made last, as a module sees the globals it was made with.
    env.globals["m"] = env.get_template("_macros.html").module
    return env


def escape_output(value):
    """Escape a `{{ value }}` that goes straight into a template's output.

    markupsafe.escape does the same and wraps the text in Markup, whose constructor is
    written in Python: a code page outputs some hundred values, and that wrapping was a
    fifth of its render time. Output needs no wrapping: Jinja only joins these texts, and
    marks a macro's or a `{% set %}` block's joined output as Markup itself.
    """
    if type(value) is str:
        return _escape_inner(value)
    if type(value) is Markup:  # its __html__ returns it, by a Python call
        return value
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape_inner(str(value))


# What getattr() gives for an attribute an object lacks, in compiled templates.
NO_ATTRIBUTE = object()


class _OutputEscapingCodeGenerator(CodeGenerator):
    """Jinja's code generator; compiled templates escape their output with escape_output,
    and read attributes with the builtin getattr first.

    The name `escape` in a compiled template is used only to escape output (Jinja imports it
    from jinja2.runtime at the top of the module); the last line of the module rebinds it.
    """

    def visit_Template(self, node, frame=None):
        super().visit_Template(node, frame)
        self.writeline(f"from {__name__} import escape_output as escape, NO_ATTRIBUTE as _no_attribute, "
                       f"_escape_inner as _escape_str")

    def _output_child_pre(self, node, frame, finalize):
        """`{{ x }}` escapes x with escape_output; a str (most values) is escaped inline, by
        MarkupSafe's C function, without a Python call."""
        if not _escapes_inline(frame, finalize):
            return super()._output_child_pre(node, frame, finalize)
        self.write("(_escape_str(_output_value) if type(_output_value := ")

    def _output_child_post(self, node, frame, finalize):
        if not _escapes_inline(frame, finalize):
            return super()._output_child_post(node, frame, finalize)
        self.write(") is str else escape(_output_value))")

    @optimizeconst
    def visit_Getattr(self, node, frame):
        """`x.name`: Jinja compiles it to environment.getattr(x, "name"), a Python method that
        tries getattr(x, "name"), then x["name"], then makes an Undefined. This tries the
        builtin getattr inline, and calls that method only if the attribute is missing: the
        same value, without a Python call for each of the hundred a code page reads.
        `x` is evaluated once, into _getattr_object; nested reads finish before the outer
        one assigns it."""
        if self.environment.is_async:
            return super().visit_Getattr(node, frame)
        self.write("(_getattr_value if (_getattr_value := getattr((_getattr_object := ")
        self.visit(node.node, frame)
        self.write(f"), {node.attr!r}, _no_attribute)) is not _no_attribute"
                   f" else environment.getattr(_getattr_object, {node.attr!r}))")


def _escapes_inline(frame, finalize):
    """Is a `{{ x }}` here always escaped, with no finalize function? Then the code generator
    writes the escaping inline; otherwise Jinja's own code decides at run time."""
    return not frame.eval_ctx.volatile and frame.eval_ctx.autoescape and finalize.src is None


class _Context(jinja2.runtime.Context):
    """Jinja's context, with a shorter way through call() for what templates mostly call.

    A template calls every function through Context.call, which asks the callable and
    its __call__ whether it wants the context passed in. Plain functions, macros and
    partials want nothing unless they say so in their own attributes, so for them this
    asks once, and calls: the answer and the result are the same.
    """

    def call(__self, __obj, *args, **kwargs):  # noqa: N805 (Jinja's own signature)
        if type(__obj) in _PLAIN_CALLABLES and "jinja_pass_arg" not in __obj.__dict__:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
            try:
                return __obj(*args, **kwargs)
            except StopIteration:
                return __self.environment.undefined("value was undefined because a callable raised a"
                                                    " StopIteration exception")
        return jinja2.runtime.Context.call(__self, __obj, *args, **kwargs)


_PLAIN_CALLABLES = frozenset([types.FunctionType, jinja2.runtime.Macro, functools.partial])


class _Environment(jinja2.Environment):
    code_generator_class = _OutputEscapingCodeGenerator
    context_class = _Context


# Part of the bytecode cache's key: change it when _OutputEscapingCodeGenerator changes.
CODE_GENERATOR_VERSION = 3


class CompiledGettext(jinja2.ext.Extension):
    """Translate `_("literal")` once, when a template compiles, instead of at every render.

    The call becomes a string constant, which Jinja escapes and folds into the compiled
    template: a code page has some thirty such labels. Calls with variables, ngettext and
    `_(expression)` are left to the runtime gettext. Babel extracts from the template
    sources, which are unchanged.
    """

    def __init__(self, environment):
        super().__init__(environment)
        environment.extend(compiled_gettext=None)

    def filter_stream(self, stream):
        translate = self.environment.compiled_gettext
        window = collections.deque()
        for token in stream:
            window.append(token)
            if translate is not None and len(window) >= 4 and _is_literal_call(window):
                rparen, string, lparen, name = (window.pop() for _ in range(4))
                window.append(Token(name.lineno, "string", translate(string.value) % {}))
            while len(window) > 4:
                yield window.popleft()
        yield from window


def _is_literal_call(window):
    """Do the last tokens read `_("…")`, not `x._("…")`?"""
    name, lparen, string, rparen = (window[i] for i in range(-4, 0))
    return (name.type == "name" and name.value in ("_", "gettext") and lparen.type == "lparen"
            and string.type == "string" and rparen.type == "rparen"
            and (len(window) < 5 or window[-5].type != "dot"))


def catalog_fingerprint(translations):
    """A digest of an interface catalog: compiled templates hold its translations."""
    catalog = getattr(translations, "_catalog", {})
    return hashlib.sha256(repr(sorted(catalog.items(), key=repr)).encode()).hexdigest()[:16]


class _SaltedBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja keys compiled templates by name only; ours also depend on language and catalog."""

    def __init__(self, directory, salt):
        super().__init__(directory)
        self.salt = salt

    def get_cache_key(self, name, filename=None):
        return super().get_cache_key(f"{self.salt}/{name}", filename)


def _bytecode_cache(lang, fingerprint):
    try:
        BYTECODE_DIR.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only checkout: compile in memory every time
        return None
    return _SaltedBytecodeCache(str(BYTECODE_DIR), f"{lang}-{fingerprint}-{CODE_GENERATOR_VERSION}")


def fast_gettext(translations):
    """`_`, `gettext` and `ngettext` with Jinja's newstyle semantics, minus its per-call overhead.

    Jinja's own wrappers go through Context.call for every string (a third of the
    render time of a code page); these cache the translated text per message.
    Translations are trusted; the values put into them are escaped (format_escaped).
    """
    @functools.lru_cache(maxsize=None)
    def translated(message):
        return translations.gettext(message)

    @functools.lru_cache(maxsize=None)
    def constant(message):
        # Newstyle gettext always formats (so "%%" means "%"), even without variables.
        return Markup(translated(message) % {})

    def gettext(message, **variables):
        return format_escaped(translated(message), variables) if variables else constant(message)

    def ngettext(singular, plural, num, **variables):
        variables.setdefault("num", num)
        return format_escaped(translations.ngettext(singular, plural, num), variables)

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext}


def format_escaped(template, variables):
    """Markup(template) % variables, with each value escaped: numbers stay numbers for %d.

    Markup's own % wraps every value in a Python helper object; escaping the values first
    and formatting plain text is the same text in a third of the time (a code page has
    several such labels per entry).
    """
    escaped = {}
    for name, value in variables.items():
        kind = type(value)
        escaped[name] = _escape_inner(value) if kind is str else \
            value if kind is int or kind is float else escape_output(value)
    return as_markup(template % escaped)


# Markup(text) for a str: Markup's constructor is Python, and checks what a str never needs.
as_markup = functools.partial(str.__new__, Markup)


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
                known = made[row.code] = (row, code_row(row, self.ROOT).encode("utf-8"))
            html.append(known[1])
        return as_markup(b"".join(html).decode("utf-8").replace(self.ROOT, escape_output(root)))

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


# Marks a block's place in a rendered layout; NUL cannot come out of a template otherwise.
_SLOT = "\x00"


class PageRenderer:
    """Render the pages of one language, each template's layout once per folder depth.

    A page of a template whose top level holds only `{% extends %}` and blocks is its
    layout (everything outside blocks: the head's constants, the header with its search
    box, the footer) with its blocks filled in. Outside blocks, base.html uses nothing
    but the language's globals and `root`, so the layout is rendered once per (template,
    root) with each block replaced by a slot, and a page renders only its blocks: a
    third of the time of a full render. Other templates are rendered in full.
    """

    def __init__(self, env, site):
        self.env = env
        self.site = site
        self._layouts = {}

    def render(self, spec):
        template = self.env.get_template(spec.template)
        variables = page_variables(spec, self.site)
        layout = self._layout(template, variables)
        if layout is None:
            return template.render(variables)
        parts, blocks, template_globals = layout
        # What template.new_context(variables) does, from a plain dict of the template's
        # globals: it reads them from a ChainMap, two passes that cost 20 µs, more than a
        # page's head. No blocks: the page gets the whole inheritance chain's (read only).
        context = new_context(self.env, template.name, {}, variables, globals=template_globals)
        context.blocks = blocks
        return "".join([part if is_text else "".join(blocks[part][0](context)) for part, is_text in parts])

    def _layout(self, template, variables):
        key = (template.name, variables["root"])
        if key not in self._layouts:
            self._layouts[key] = ((*layout_parts(template, variables), dict(template.globals))
                                  if blocks_only(self.env, template.name) else None)
        return self._layouts[key]


def blocks_only(env, name):
    """Is the template's top level only `{% extends %}`, blocks and blank text?"""
    return _blocks_only(env.loader.get_source(env, name)[0])


@functools.lru_cache(maxsize=64)
def _blocks_only(source):
    # By source, so that both languages' environments share one parse of each template.
    body = jinja2.Environment(extensions=["jinja2.ext.i18n"]).parse(source).body
    return all(isinstance(node, (nodes.Extends, nodes.Block)) or
               (isinstance(node, nodes.Output) and all(isinstance(n, nodes.TemplateData) and not n.data.strip()
                                                      for n in node.nodes))
               for node in body)


def layout_parts(template, variables):
    """The template rendered with a slot in place of each block.

    Returns the parts, [(text or block name, is_text)], and every block of the inheritance
    chain, {name: [block functions, the most derived first]}, as a page's context needs them.
    """
    context = template.new_context(variables)
    slots = _Slots()
    context.blocks = slots
    pieces = "".join(template.root_render_func(context)).split(_SLOT)
    if len(pieces) % 2 == 0:
        raise ValueError(f"{template.name}: the layout holds a NUL character")
    # The template's own blocks come first, then those its parents appended while it extended them.
    own = template.blocks
    blocks = {name: ([own[name]] if name in own else []) + functions[1:] for name, functions in slots.items()}
    return [(piece, index % 2 == 0) for index, piece in enumerate(pieces)], blocks


class _Slots(dict):
    """Blocks that all render as slots, whatever a template adds to them while it extends its parent."""

    def __missing__(self, name):
        return self.setdefault(name)

    def setdefault(self, name, default=None):
        return super().setdefault(name, [functools.partial(_slot, name)])


def _slot(name, context):
    yield f"{_SLOT}{name}{_SLOT}"


def render_root_page(env, template_name, path, site, url, **context):
    """Render a page outside the language trees (landing page, 404) with a given url()."""
    return env.get_template(template_name).render(
        page_path=path, url=url, root=url(""), absolute_url=functools.partial(urls.absolute, site.site_url),
        alternates={}, site=site, **context)

