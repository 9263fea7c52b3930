"""Markup that would make the HTML5 tree builder slow, bounded before it is parsed.

Lexbor builds the tree as the HTML standard says, and some of the standard's steps
look through every open element: a block that opens searches them for a <p> to
close, a list item for an <li>. Markup nested thousands deep therefore takes time
quadratic in its depth (a megabyte of "<div>" took minutes). Browsers bound it:
Blink opens no element deeper than 512 levels, and puts the ones past that beside
the last one instead of inside it. The same is done here, in the source, before
it is parsed: an end tag for the innermost open element goes in before a start
tag that would open past MAX_DEPTH.

Formatting elements left open (<b>, <font>, ...) are opened again inside every
block that follows them (the standard's "reconstruct the active formatting
elements"): hundreds of distinct ones left open, then many paragraphs, make
hundreds of elements per paragraph. Past MAX_FORMATTING of them active at once,
a further formatting start tag (never a link's) is left out (its text stays).

Most pages nest a few dozen deep: an estimate made in C by regular expressions
clears them at once. Only pages it cannot clear are walked in Python, and only
those that need it are rewritten. The estimate takes each end tag as closing one
element; markup built to defeat that (end tags of elements never opened, which
the tree builder ignores) is slow to parse again, and the worker's time budget
(SCAN_TIMEOUT) ends it.
"""

from __future__ import annotations

import re

MAX_DEPTH = 512  # Blink's limit (kMaximumHTMLParserDOMTreeDepth)
MAX_FORMATTING = 24
DEPTH_WARNING = (f"markup nested deeper than {MAX_DEPTH} levels: as a browser does, elements "
                 "past that depth were read beside the last one instead of inside it, so "
                 "embeds there may have been missed")
FORMATTING_WARNING = (f"more than {MAX_FORMATTING} formatting elements (<b>, <font>, ...) left "
                      "open: the ones past that were left out (their text was read)")

_VOID = frozenset(("area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr",
                   "image", "img", "input", "keygen", "link", "meta", "param", "source", "track",
                   "wbr"))
# Elements whose content is text, not markup (noscript is markup: scripting is off).
_RAW = ("script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes")
_FORMATTING = frozenset(("a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small",
                         "strike", "strong", "tt", "u"))
# Where the standard puts a marker in the list of active formatting elements: the
# formatting elements opened before one are not reopened inside it.
_MARKERS = frozenset(("applet", "caption", "marquee", "object", "td", "th", "template"))
_FOREIGN = frozenset(("svg", "math"))
# A start tag of one of these closes an open <p> (approximately: those that the
# standard says close a <p> in button scope).
_CLOSES_P = frozenset((
    "address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div",
    "dl", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hgroup", "hr", "li", "listing", "main", "menu", "nav", "ol", "p", "pre", "search",
    "section", "summary", "table", "ul", "xmp", "plaintext", "dd", "dt"))
_CLOSES_SAME = {"li": ("li",), "dt": ("dt", "dd"), "dd": ("dt", "dd"), "option": ("option",),
                "td": ("td", "th"), "th": ("td", "th"), "tr": ("tr", "td", "th")}

# A start tag (but a void element's) gives its first letter, an end tag "/" and its
# first letter: one character for each element opened, two for each closed.
_TAGS = re.compile(r"<(?!(?:" + "|".join(sorted(_VOID)) + r")[\s/>])(/?[a-zA-Z])")
# A new <a> ends the one before: links never pile up, and are not counted. The
# first lookahead turns most tags away at their first letter, at twice the speed.
_COUNTED = sorted(_FORMATTING - {"a"})
_FORMATTING_TAGS = re.compile(
    r"<(?=/?[" + "".join(sorted({name[0] for name in _COUNTED})) + r"])"
    r"(?=/?(?:" + "|".join(_COUNTED) + r")[\s/>])(/?[a-zA-Z])", re.IGNORECASE)
WINDOW = 128  # tags counted at a time
# The tokens of elements whose names cannot be a formatting element's (by the first
# letter): taken out, what is left counts the formatting elements and more.
_FIRSTS = "".join(sorted({name[0] for name in _COUNTED}))
_OTHER_TOKENS = re.compile("/?[^/" + _FIRSTS + _FIRSTS.upper() + "]")


def bounded(text: str) -> tuple[str, list[str]]:
    """The text to parse, and what was changed in it (as warnings)."""
    if text.count("<") <= MAX_FORMATTING:
        return text, []
    tokens = "".join(_TAGS.findall(text))
    # Formatting elements are counted among the elements whose names start as theirs
    # do; only when those could be too many are the formatting tags themselves found.
    if _peak(tokens, WINDOW) <= MAX_DEPTH and (
            _peak(_OTHER_TOKENS.sub("", tokens), 8) <= MAX_FORMATTING
            or _peak("".join(_FORMATTING_TAGS.findall(text)), 8) <= MAX_FORMATTING):
        return text, []
    return _rewrite(text)


def _peak(tokens: str, window: int) -> int:
    """At most how many elements are open at once, from the tags' tokens: every
    start tag opens one, every end tag closes one, and none closes what is not
    open. Counted a window of tokens at a time in C: within a window the count is
    taken to be as high as it can be, up to the window's length more."""
    level = low = peak = 0
    for start in range(0, len(tokens), window):
        part = tokens[start:start + window]
        closes = part.count("/")
        peak = max(peak, level - low + len(part))
        level += len(part) - 3 * closes  # a close is two characters
        low = min(low, level)
    return peak


_TOKEN = re.compile(r"<(?:(!--)|(/?)([a-zA-Z][^\s/>]*))")
_RAW_END = {name: re.compile(r"</" + name + r"[\s/>]", re.IGNORECASE) for name in _RAW}


def _rewrite(text: str) -> tuple[str, list[str]]:
    """The text with elements past MAX_DEPTH put beside the innermost open one, and
    formatting start tags past MAX_FORMATTING left out: the standard's tree builder
    followed roughly (void and raw text elements, implied end tags, foreign
    content, the list of active formatting elements with its markers and its
    limit of three alike)."""
    out: list[str] = []
    copied = 0
    stack: list[str] = []
    foreign = 0  # open svg and math elements
    active: list[str | None] = []  # formatting elements' start tags; None for a marker
    flattened = dropped = False
    pos = 0
    while (m := _TOKEN.search(text, pos)) is not None:
        if m.group(1):  # a comment
            end = text.find("-->", m.end())
            if end < 0:
                break
            pos = end + 3
            continue
        name = m.group(3).lower()
        close = text.find(">", m.end())
        if close < 0:
            break  # a tag the text ends inside is no tag
        pos = close + 1
        if m.group(2):  # an end tag
            if name in stack:
                while stack:
                    top = stack.pop()
                    foreign -= top in _FOREIGN
                    if top == name:
                        break
            if name in _FORMATTING:
                _forget(active, name)
            elif name in _MARKERS:
                while active and active.pop() is not None:
                    pass
            continue
        self_closing = text[close - 1] == "/"
        if (name in _VOID and not foreign) or (foreign and self_closing):
            continue
        if not foreign:
            if stack and ((stack[-1] == "p" and name in _CLOSES_P)
                          or stack[-1] in _CLOSES_SAME.get(name, ())):
                stack.pop()
            if name in _FORMATTING:
                # A link is never left out (it may be a post's): a new <a> ends the last.
                if name != "a" and _active_count(active) >= MAX_FORMATTING:
                    out.append(text[copied:m.start()])
                    copied = pos  # left out
                    dropped = True
                    continue
                _activate(active, name, text[m.start():pos])
            elif name in _MARKERS:
                active.append(None)
        if len(stack) >= MAX_DEPTH:
            top = stack.pop()
            foreign -= top in _FOREIGN
            out.append(text[copied:m.start()] + f"</{top}>")
            copied = m.start()
            flattened = True
        stack.append(name)
        foreign += name in _FOREIGN
        if name in _RAW_END and not foreign:
            end = _RAW_END[name].search(text, pos)
            if end is None:
                break  # the rest of the page is its text
            pos = end.start()
    if not (flattened or dropped):
        return text, []
    out.append(text[copied:])
    warnings = ([DEPTH_WARNING] if flattened else []) + ([FORMATTING_WARNING] if dropped else [])
    return "".join(out), warnings


def _active_count(active: list) -> int:
    """Formatting elements active after the last marker, counted up to MAX_FORMATTING."""
    count = 0
    for tag in reversed(active):
        if tag is None or count == MAX_FORMATTING:
            break
        count += 1
    return count


def _activate(active: list, name: str, tag: str) -> None:
    """A formatting element opened: at most three alike stay active after the last
    marker (the standard's "Noah's Ark"), and a new <a> ends the one before."""
    tag = " ".join(tag.lower().split())
    if name == "a":
        _forget(active, "a")
    alike = 0
    for i in range(len(active) - 1, -1, -1):
        if active[i] is None:
            break
        if active[i] == tag:
            alike += 1
            if alike == 3:
                del active[i]
                break
    active.append(tag)


def _forget(active: list, name: str) -> None:
    """The last active formatting element of that name is closed."""
    prefix = "<" + name
    for i in range(len(active) - 1, -1, -1):
        if active[i] is None:
            return
        tag = active[i]
        if tag.startswith(prefix) and tag[len(prefix):len(prefix) + 1] in (" ", ">", "/", ""):
            del active[i]
            return
