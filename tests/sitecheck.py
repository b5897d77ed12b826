"""Helpers that read a built site: its pages, links and anchors."""

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _LinkParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "name" in attrs:
            self.ids.add(attrs["name"])
        for name in ("href", "src", "action"):
            if attrs.get(name) is not None and not (tag == "link" and attrs.get("rel") in
                                                    ("canonical", "alternate")):
                self.links.append((tag, name, attrs[name]))


def parse(path):
    """Links and ids of one HTML file."""
    parser = _LinkParser()
    parser.feed(Path(path).read_text(encoding="utf-8"))
    return parser


def html_files(root):
    return sorted(p for p in Path(root).rglob("*.html"))


def resolve(root, page, link):
    """The file a relative link from `page` points at, and its fragment."""
    parts = urlsplit(link)
    here = posixpath.dirname(Path(page).relative_to(root).as_posix())
    target = posixpath.normpath(posixpath.join(here, unquote(parts.path))) if parts.path else \
        Path(page).relative_to(root).as_posix()
    path = Path(root) / target
    if path.is_dir() or parts.path.endswith("/"):
        path = path / "index.html"
    return path, parts.fragment


def broken_links(root):
    """Every relative link that does not resolve to a file or to an id in it."""
    root = Path(root)
    problems, cache = [], {}
    for page in html_files(root):
        if page.name == "404.html" and page.parent == root:
            continue
        for _tag, attribute, link in parse(page).links:
            if link.startswith(("http://", "https://", "mailto:")):
                continue
            if link.startswith("/"):
                problems.append(f"{page.relative_to(root)}: root-absolute {attribute}={link!r}")
                continue
            target, fragment = resolve(root, page, link)
            if not target.is_file():
                problems.append(f"{page.relative_to(root)}: {link!r} -> missing {target.relative_to(root)}")
                continue
            if fragment and target.suffix == ".html":
                ids = cache.setdefault(target, parse(target).ids)
                if fragment not in ids:
                    problems.append(f"{page.relative_to(root)}: {link!r} -> no id {fragment!r}")
    return problems
