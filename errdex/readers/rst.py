"""Reader of reStructuredText pages (Open Telekom Cloud's Sphinx sources), through docutils.

docutils, the reference implementation, parses every table form (grid, simple,
`list-table`, `csv-table`, inside `.. table::`); this module only walks the doctree.
Sphinx's roles and `code-block` are not docutils': they are registered here through
docutils' public API as harmless stand-ins, so a Sphinx page parses without reports.
"""

import collections
import io
import re

import docutils.core
import docutils.utils
from docutils import nodes
from docutils.parsers.rst import Directive, directives, roles

from ..errors import ScrapeError
from ..model import Section
from . import cells, grid
from .prose import example_response, looks_like_error_body, status_in

FORM = "rst"
# Sphinx roles seen in documentation sources; each reads as its text.
SPHINX_ROLES = ("ref", "doc", "term", "numref", "download", "abbr", "kbd", "menuselection", "guilabel",
                "file", "command", "option", "envvar", "program", "samp", "code", "any", "keyword",
                "dfn", "mimetype", "newsgroup", "makevar", "regexp", "class", "func", "meth", "mod",
                "attr", "obj", "exc", "data", "const", "py:class", "py:func")
_DETECT_RE = re.compile(r"^\s*\.\. [a-z][\w-]*::|^\s*\+[-=]+\+[-=+]*\s*$|^={3,}(?: +={3,})+\s*$|^[=\-~^]{3,}\s*$", re.M)
_TARGET_RE = re.compile(r"<[^<>]*>\s*$")
_SETTINGS = {
    # Reports below "error" (info, warnings about style) are docutils' business, not ours.
    "report_level": docutils.utils.Reporter.ERROR_LEVEL, "halt_level": docutils.utils.Reporter.SEVERE_LEVEL + 1,
    "file_insertion_enabled": False, "raw_enabled": False, "syntax_highlight": "none",
    "input_encoding": "unicode", "doctitle_xform": False, "sectsubtitle_xform": False,
}
_NAMES = {
    "paragraph": "p", "bullet_list": "ul", "enumerated_list": "ol", "list_item": "li",
    "literal_block": "pre", "doctest_block": "pre", "strong": "strong", "emphasis": "em",
    "literal": "code", "reference": "a", "block_quote": "blockquote", "line_block": "div",
    "line": "div", "definition_list": "div", "definition_list_item": "div", "term": "p",
    "definition": "div", "table": "table", "title": "p", "field_list": "div", "note": "div",
    "warning": "div", "important": "div", "tip": "div", "caution": "div", "attention": "div",
    "system_message": "#skip", "target": "#skip", "comment": "#skip", "substitution_definition": "#skip",
    "raw": "#skip", "image": "#skip", "footnote": "#skip", "citation": "#skip",
}


def _sphinx_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """A Sphinx cross-reference reads as its title: 'Title <target>' gives 'Title'."""
    title = _TARGET_RE.sub("", text).strip() or text
    return [nodes.inline(rawtext, docutils.utils.unescape(title))], []


class SphinxContainer(Directive):
    """Sphinx's `only`, `seealso`, `versionadded` …: their content is read as the page's.

    Any argument and option is accepted: Sphinx's are not docutils' business."""

    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec = collections.defaultdict(lambda: directives.unchanged)

    def run(self):
        container = nodes.container()
        self.state.nested_parse(self.content, self.content_offset, container)
        return container.children


class CodeBlock(SphinxContainer):
    """Sphinx's `code-block`: a literal block, whatever its language and options."""

    def run(self):
        text = "\n".join(self.content)
        return [nodes.literal_block(text, text)]


class SphinxIgnored(SphinxContainer):
    """Sphinx's `toctree`, `index`, `highlight` …: nothing of an error-code table."""

    def run(self):
        return []


SPHINX_CONTAINERS = ("only", "seealso", "versionadded", "versionchanged", "deprecated", "hlist", "centered",
                     "glossary", "tab", "tabs", "group-tab", "container")
SPHINX_IGNORED = ("toctree", "index", "highlight", "tabularcolumns", "literalinclude", "automodule", "autoclass",
                  "program", "option", "currentmodule", "sectionauthor", "codeauthor", "productionlist")

for _role in SPHINX_ROLES:
    roles.register_local_role(_role, _sphinx_role)
for _name in ("code-block", "sourcecode"):
    directives.register_directive(_name, CodeBlock)
for _name in SPHINX_CONTAINERS:
    directives.register_directive(_name, SphinxContainer)
for _name in SPHINX_IGNORED:
    directives.register_directive(_name, SphinxIgnored)


class DoctreeAdapter:
    """Name docutils nodes for the cell converter."""

    @staticmethod
    def kind(node):
        if isinstance(node, nodes.Text):
            return "#text"
        return _NAMES.get(node.tagname, "span")

    @staticmethod
    def children(node):
        return node.children

    @staticmethod
    def text(node):
        # Source line breaks inside a paragraph are only wrapping.
        return node.astext().replace("\n", " ")

    @staticmethod
    def whole_text(node):
        return node.astext()

    @staticmethod
    def attribute(node, name):
        return node.get("refuri") if name == "href" else node.get(name)


def detect(text):
    """reStructuredText: a directive, a grid or simple table, or a section underline."""
    return _DETECT_RE.search(text) is not None


def read(path, text):
    """Parse with docutils, then read every table and the prose."""
    document = _parse(path, text)
    tables = [_table(t, n) for n, t in enumerate(document.findall(nodes.table), start=1)]
    title, intro, example = _prose(document)
    return grid.build_page(path, FORM, [t for t in tables if t is not None], title, intro, example,
                           notes=_reports(path, document))


def _reports(path, document):
    """docutils' reports of real errors in the page (its info and warnings are silenced)."""
    return [f"{path}:{message.get('line') or '?'}: reStructuredText: {grid.clean_text(message[0].astext() if len(message) else '')[:200]}"
            for message in document.findall(nodes.system_message)
            if message.get("level", 0) >= docutils.utils.Reporter.ERROR_LEVEL]


def _parse(path, text):
    """The doctree of a page; docutils' errors are the page's errors."""
    stream = io.StringIO()
    try:
        document = docutils.core.publish_doctree(
            text, source_path=str(path), settings_overrides={**_SETTINGS, "warning_stream": stream})
    except docutils.utils.SystemMessage as error:
        raise ScrapeError(f"{path}: reStructuredText that docutils cannot read: {error}") from None
    return document


def _line(node):
    """The source line of a node: its own, else its first descendant's that has one."""
    if node.line is not None:
        return node.line
    return next((d.line for d in node.findall(include_self=False) if getattr(d, "line", None)), None)


def _table(table, number):
    """One docutils table as a grid Table (spans laid out); None without a header row."""
    group = next(iter(table.findall(nodes.tgroup)), None)
    if group is None:
        return None
    head = next((c for c in group.children if isinstance(c, nodes.thead)), None)
    body = next((c for c in group.children if isinstance(c, nodes.tbody)), None)
    head_rows = list(head.children) if head is not None else []
    body_rows = list(body.children) if body is not None else []
    laid_out = grid.lay_out([(_line(r), [_cell(e) for e in r.children]) for r in head_rows + body_rows])
    if not head_rows:
        names = [c.plain for c in laid_out[0][1]] if laid_out else []
        if sum(grid.role_of(n) is not None for n in names) < 2:
            return None
        head_rows = body_rows[:1]
    title = next((c for c in table.children if isinstance(c, nodes.title)), None)
    return grid.Table(number=number, line=_line(table), caption=grid.clean_text(title.astext()) if title else None,
                      headers=grid.header_names(laid_out[:len(head_rows)]),
                      rows=tuple(laid_out[len(head_rows):]))


def _cell(entry):
    """(Cell, rowspan, colspan) of a docutils table entry."""
    cell = grid.Cell(cells.to_markdown(entry, DoctreeAdapter), grid.clean_text(entry.astext()), _line(entry))
    return cell, entry.get("morerows", 0) + 1, entry.get("morecols", 0) + 1


def _prose(document):
    """Title, sections and example body from the paragraphs outside tables."""
    title, sections, heading, paragraphs, example, hint = None, [], None, [], None, None
    for node in document.findall(lambda n: isinstance(n, (nodes.title, nodes.paragraph, nodes.literal_block))):
        if any(isinstance(a, (nodes.table, nodes.system_message)) for a in _ancestors(node)):
            continue
        if isinstance(node, nodes.title):
            if isinstance(node.parent, nodes.section) and title is None:
                title = grid.clean_text(node.astext())
                continue
            if isinstance(node.parent, nodes.section):
                if heading is not None or paragraphs:
                    sections.append(Section(heading, "\n\n".join(paragraphs)))
                heading, paragraphs = grid.clean_text(node.astext()), []
            continue
        if isinstance(node, nodes.literal_block):
            text = node.astext()
            if example is None and looks_like_error_body(text):
                example = example_response(text, hint)
            elif status_in(text) is not None and len(text.strip().splitlines()) == 1:
                hint = status_in(text)
            else:
                paragraphs.append("```\n" + text.strip("\n") + "\n```")
            continue
        if isinstance(node.parent, nodes.list_item):
            continue
        text = cells.to_markdown(node, DoctreeAdapter)
        hint = status_in(text) if status_in(text) is not None else hint
        if text:
            paragraphs.append(text)
    if heading is not None or paragraphs:
        sections.append(Section(heading, "\n\n".join(paragraphs)))
    return title, sections, example


def _ancestors(node):
    """A node's parents up to the document."""
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent
