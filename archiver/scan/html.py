"""Reading HTML as browsers build it (Lexbor, the HTML5 algorithm): the parse,
element text as lines, titles, document order. What each platform's embed
markup looks like is its own (archiver/platforms/<name>/)."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborDocumentOptions, LexborHTMLParser, SelectolaxError

from . import nesting

_BLOCK_TAGS = (
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
    "figure", "figcaption", "section", "article", "header", "footer", "tr", "table", "pre",
    "aside", "main", "nav", "dd", "dt", "hr",
)
# Without mutation events: with them, Lexbor copies every <option> of a <select>
# as it is inserted (for <selectedcontent>), which took time quadratic in the options.
_OPTIONS = LexborDocumentOptions.WO_EVENTS


def parse(text: str, warnings: list[str] | None = None):
    """The document (browsers' HTML5 tree), or None; what had to be changed for the
    parse to take linear time is added to warnings (see nesting.py)."""
    text, changes = nesting.bounded(text)
    if warnings is not None:
        warnings.extend(changes)
    try:
        # A str is read as it is: the page's encoding was decided already (decode.py).
        return LexborHTMLParser(text, options=_OPTIONS)
    except (SelectolaxError, ValueError, MemoryError):
        return None


def attr(el, name: str) -> str:
    """An attribute's value; "" when it is missing or bare."""
    return el.attributes.get(name) or ""


def document_order(doc) -> dict:
    """Every element's position in the document (mem_id -> index), by one query in C."""
    return {n.mem_id: i for i, n in enumerate(doc.css("*"))}


_ASCII_SPACE = re.compile(r"[ \t\n\r\f]+")


def classes(attributes: dict) -> list[str]:
    """An element's class names (split where CSS splits them: on ASCII white space)."""
    value = attributes.get("class")
    return _ASCII_SPACE.split(value) if value else []
_CSS_SPECIAL = re.compile(r"[^\w-]")  # escaping more than needed is still valid CSS


def css_name(name: str) -> str:
    """An attribute name written as a CSS identifier."""
    escaped = _CSS_SPECIAL.sub(lambda m: f"\\{ord(m.group()):x} ", name)
    if escaped[:1].isdigit():
        escaped = f"\\{ord(escaped[0]):x} " + escaped[1:]
    return escaped


def unique(nodes: list) -> list:
    """The nodes of a query's matches, each once, in document order."""
    seen: set = set()
    return [n for n in nodes if not (n.mem_id in seen or seen.add(n.mem_id))]


class Nearest:
    """The nearest ancestor of an element that passes a test, remembered for every
    element on the way up: asked for many elements, the tree is climbed once."""

    def __init__(self, test):
        self.test = test
        self.known: dict = {}  # mem_id -> nearest passing element, itself included

    def above(self, el):
        path = []
        node = el.parent
        while node is not None and node.mem_id not in self.known:
            if self.test(node):
                self.known[node.mem_id] = node
                break
            path.append(node.mem_id)
            node = node.parent
        found = None if node is None else self.known[node.mem_id]
        for passed in path:
            self.known[passed] = found
        return found


# The text of an element is read from its serialized markup, which the parser
# writes well formed (every tag closed, attribute values in double quotes, "<"
# and "&" in text escaped): a few substitutions in C replace a walk in Python of
# every node. Hidden content goes first: scripts, styles, templates, noscript,
# the fallback of frames (a browser shows none of them), and comments.
HIDDEN_TAGS = "script, style, template, noscript, iframe, noembed, noframes"
_HIDDEN = re.compile(
    r"<(" + HIDDEN_TAGS.replace(", ", "|") + r")[\s>](?:[^\"'>]|\"[^\"]*\")*>.*?</\1>|<!--.*?-->",
    re.DOTALL)
_TAG_REST = r"(?=[\s/>])(?:[^\">]|\"[^\"]*\")*>"
_BR = re.compile(r"<br" + _TAG_REST)
_BLOCK = re.compile(r"</?(?:" + "|".join(_BLOCK_TAGS) + ")" + _TAG_REST)
_ANY_TAG = re.compile(r"</?[a-zA-Z](?:[^\">]|\"[^\"]*\")*>")


def element_lines(el, br: str = "\n") -> list[str]:
    """The element's text as lines: <br> and block boundaries break lines.

    With br="\v", a <br> stays inside its line as "\n": a block is one unit.
    """
    return _lines(el.html or "", br)


def _lines(markup: str, br: str) -> list[str]:
    if "<" in markup:
        markup = _HIDDEN.sub("", markup)
        markup = _BR.sub(br, markup)
        markup = _BLOCK.sub("\n", markup)
        markup = _ANY_TAG.sub("", markup)
    if "&" in markup:  # what the serializer escapes, and nothing else
        markup = (markup.replace("&lt;", "<").replace("&gt;", ">").replace("&nbsp;", "\xa0")
                  .replace("&quot;", '"').replace("&amp;", "&"))
    markup = _SPACES.sub(" ", markup)
    lines = []
    for line in markup.split("\n"):
        if "\v" in line:
            line = "\n".join(part for x in line.split("\v") if (part := x.strip()))
        else:
            line = line.strip()
        if line:
            lines.append(line)
    return lines


# Runs of white space that break neither a line nor, with br="\v", a unit's line.
_SPACES = re.compile(r"[^\S\n\v]+")


def title_of(doc) -> str | None:
    title = doc.css_first("title")
    if title is not None and (value := clip_title(title.text())):
        return value
    meta = doc.css_first('meta[property="og:title"][content]')
    if meta is not None and (value := clip_title(meta.attributes.get("content") or "")):
        return value
    h1 = doc.css_first("h1")
    if h1 is not None and (value := clip_title(h1.text())):
        return value
    return None


# Titles run to a few hundred characters; a page may hold megabytes in its
# <title>, which would then be copied into every listing of the archive.
MAX_TITLE = 1000


def clip_title(text: str) -> str:
    """Whitespace normalised, at most MAX_TITLE characters (an ellipsis says it was cut)."""
    text = " ".join(text[:MAX_TITLE * 8].split())
    return text if len(text) <= MAX_TITLE else text[:MAX_TITLE - 1].rstrip() + "\u2026"
