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


def resolve(page, path, folders):
    """The site file (site-relative) that a link's path points at from the page `page`;
    `folders` are the site's folders, whose links mean their index.html."""
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(path))) if path else page
    if target == ".":
        target = ""
    if path.endswith("/") or target in folders or target == "":
        target = posixpath.join(target, "index.html")
    return target


def broken_links(root, checked=None):
    """Every relative link that does not resolve to a file or to an id in it; with
    `checked(name)`, only on the pages (site-relative paths) for which it is true.

    Links are resolved against the set of the site's files, read once, so that a site of
    the whole family (13,000 pages, a million links) is checked in a minute, not an hour.
    """
    root = Path(root)
    files = {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}
    folders = {posixpath.dirname(file) for file in files}
    problems, ids = [], {}
    for page in html_files(root):
        name = page.relative_to(root).as_posix()
        if name == "404.html" or (checked is not None and not checked(name)):
            continue
        for _tag, attribute, link in parse(page).links:
            if link.startswith(("http://", "https://", "mailto:")):
                continue
            if link.startswith("/"):
                problems.append(f"{name}: root-absolute {attribute}={link!r}")
                continue
            parts = urlsplit(link)
            target = resolve(name, parts.path, folders)
            if target not in files:
                problems.append(f"{name}: {link!r} -> missing {target}")
                continue
            if parts.fragment and target.endswith(".html"):
                if target not in ids:
                    ids[target] = parse(root / target).ids
                if parts.fragment not in ids[target]:
                    problems.append(f"{name}: {link!r} -> no id {parts.fragment!r}")
    return problems
