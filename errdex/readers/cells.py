"""A table cell's content as Markdown, for any tree a reader parses (HTML, docutils).

The walk keeps its own stack instead of recursing: upstream cells nest as deep as they
like (a few thousand <span>s must not raise RecursionError), and each node is visited
once, so the work grows with the cell's size. A reader passes an adapter that names each
node's kind in HTML terms ('p', 'ul', 'li', 'a', '#text', '#skip' ...).
"""

from .grid import clean_text

_BLOCKS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "dl", "dt", "dd",
                     "section", "td", "th", "tr", "tbody", "thead", "caption"})
_WHOLE = frozenset({"pre", "table"})  # read as one piece of text, not walked
_DROP = frozenset({"#skip", "script", "style"})
_END = object()


def to_markdown(root, adapter):
    """Convert a cell's content to Markdown: paragraphs, lists, links, emphasis, code."""
    stack = [(root, iter(adapter.children(root)), [])]
    while True:
        node, children, parts = stack[-1]
        child = next(children, _END)
        if child is not _END:
            _visit(child, adapter, stack, parts)
            continue
        stack.pop()
        closed = _close(adapter.kind(node), node, parts, adapter) if stack else _as_blocks(parts)
        if not stack:
            return "\n\n".join(text for _, text in closed)
        stack[-1][2].extend(closed)


def _visit(child, adapter, stack, parts):
    """Add a leaf's part, or push an element to walk its children."""
    kind = adapter.kind(child)
    if kind == "#text":
        parts.append(("inline", adapter.text(child)))
    elif kind == "br":
        parts.append(("inline", "\n"))
    elif kind == "pre":
        parts.append(("block", "```\n" + adapter.whole_text(child).strip("\n") + "\n```"))
    elif kind == "table":
        parts.append(("block", clean_text(adapter.whole_text(child))))
    elif kind not in _DROP:
        stack.append((child, iter(adapter.children(child)), []))


def _close(kind, node, parts, adapter):
    """The parts an element stands for, once its children are converted."""
    if kind == "li":
        return [("li", "\n\n".join(text for _, text in _as_blocks(parts)))]
    if kind in ("ul", "ol") and any(part[0] == "li" for part in parts):
        items = [text for role, text in parts if role == "li"]
        markers = [f"{n}. " if kind == "ol" else "- " for n in range(1, len(items) + 1)]
        return [("block", "\n".join(m + item.replace("\n", "\n   ") for m, item in zip(markers, items)))]
    if kind in _BLOCKS or kind in ("ul", "ol"):
        return _as_blocks(parts)
    if any(role != "inline" for role, _ in parts):
        return parts
    return [("inline", _inline(kind, node, "".join(text for _, text in parts), adapter))]


def _inline(kind, node, inner, adapter):
    """Markdown for an inline element around its converted content."""
    text = clean_text(inner)
    if not text:
        return inner
    if kind == "a":
        href = (adapter.attribute(node, "href") or "").strip()
        return f"[{text}]({href})" if href.startswith(("http://", "https://")) else inner
    if kind in ("strong", "b"):
        return f"**{text}**"
    if kind in ("em", "i"):
        return f"*{text}*"
    if kind == "code":
        return f"`{text}`"
    return inner


def _as_blocks(parts):
    """Join runs of inline parts into blocks; keep blocks; list items become blocks."""
    blocks, inline = [], []
    for role, text in parts + [("end", "")]:
        if role == "inline":
            inline.append(text)
            continue
        joined = _join_inline(inline)
        if joined:
            blocks.append(("block", joined))
        inline = []
        if role != "end" and text:
            blocks.append(("block", text))
    return blocks


def _join_inline(pieces):
    """Join inline pieces; collapse whitespace within lines, keep line breaks."""
    lines = [clean_text(line) for line in "".join(pieces).split("\n")]
    return "\n".join(line for line in lines if line)
