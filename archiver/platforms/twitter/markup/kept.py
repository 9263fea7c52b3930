"""Embeds kept as text until the reader consents, read as the browser would after "show".

Consent managers and lazy loaders store a post's original embed code inside a
<textarea>, a <script type="text/template">, a <noscript> or <template> whose
markup was escaped, or an HTML-escaped attribute (data-embed="&lt;blockquote
class=&quot;twitter-tweet&quot;..."). The code is decoded and read as markup.
"""

from __future__ import annotations

import html as htmllib
import re

from ....scan.html import css_name, unique

# Markup worth parsing holds one of these once decoded.
MARKERS = ("twitter-tweet", "twitter-video", "twitter.com/embed", "x.com/embed", "/status",
           "data-tweet", "amp-twitter", "is-provider-twitter", "is-provider-x", "embed-twitter")
_TEMPLATE_TYPES = ("text/template", "text/html", "text/x-template", "text/plain",
                   "text/x-html", "text/x-embed", "text/x-consent", "text/placeholder")
# Decoded markup is not decoded again past this depth: the work stays linear.
MAX_DEPTH = 2


def kept_markup(doc, text: str, in_attributes: bool = True) -> list[tuple[object, str]]:
    """(element, markup) for every piece of embed code the page keeps as text;
    attributes are searched only when in_attributes.
    `text` is the page the document was parsed from."""
    found: list[tuple[object, str]] = []
    for el in unique(doc.css("textarea, script[type], noscript, template")):
        tag = el.tag
        if tag == "script" and (el.attributes.get("type") or "").lower().split(";")[0].strip() \
                not in _TEMPLATE_TYPES:
            continue
        if tag == "noscript" and next(el.iter(), None) is not None:
            continue  # parsed as markup already
        if tag == "template":
            # A template's content is no part of the document: a browser shows it
            # when a script copies it in. Its markup is read as kept embed code.
            fragments = el.template_fragments()
            content = (fragments[0].html or "") if fragments else ""
        else:
            content = el.text()
        markup = _decoded(content)
        if markup:
            found.append((el, markup))
    for el, value in _markup_attributes(doc, text) if in_attributes else ():
        markup = _decoded(value)
        if markup:
            found.append((el, markup))
    return found


# An attribute whose value holds markup, found in the page's text first: CSS selects
# by attribute name, and what names a page writes such values under is not known.
_MARKUP_VALUE = re.compile(r"=\s*+(?:\"[^\"]*?(?:<|&lt;)|'[^']*?(?:<|&lt;)|(?:<|&lt;))",
                           re.IGNORECASE)
_NAME_BEFORE = re.compile(r"([^\s\"'<>/=]+)\s*$")
MAX_NAMES = 64


def _markup_attributes(doc, text: str) -> list[tuple[object, str]]:
    """(element, value) of every attribute holding "<", in document order."""
    names: set = set()
    for m in _MARKUP_VALUE.finditer(text):
        name = _NAME_BEFORE.search(text, max(0, m.start() - 200), m.start())
        if name:
            names.add(name.group(1).lower())
            if len(names) > MAX_NAMES:
                break
    if not names:
        return []
    if len(names) > MAX_NAMES:
        elements = doc.css("*")  # too many names for one query: every element is read
    else:
        elements = unique(doc.css(", ".join(f'[{css_name(n)}*="<"]' for n in sorted(names))))
    return [(el, value) for el in elements for value in el.attributes.values()
            if value and "<" in value]


def _decoded(text: str) -> str | None:
    """Embed code as markup: escaped once more ("&lt;") is decoded."""
    if "<" not in text and "&lt;" in text:
        text = htmllib.unescape(text)
    if "<" not in text or not any(marker in text for marker in MARKERS):
        return None
    return text
