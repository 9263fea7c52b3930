"""Embeds kept as text until the reader consents, read as the browser would after "show".

Consent managers and lazy loaders store a post's original embed code inside a
<textarea>, a <script type="text/template">, a <noscript> or <template> whose
markup was escaped, or an HTML-escaped attribute (data-embed="&lt;blockquote
class=&quot;twitter-tweet&quot;..."). The code is decoded and read as markup.
"""

from __future__ import annotations

import html as htmllib

# Markup worth parsing holds one of these once decoded.
MARKERS = ("twitter-tweet", "twitter-video", "twitter.com/embed", "x.com/embed", "/status",
           "data-tweet", "amp-twitter", "is-provider-twitter", "is-provider-x", "embed-twitter")
_TEMPLATE_TYPES = ("text/template", "text/html", "text/x-template", "text/plain",
                   "text/x-html", "text/x-embed", "text/x-consent", "text/placeholder")
# Decoded markup is not decoded again past this depth: the work stays linear.
MAX_DEPTH = 2


def kept_markup(doc, in_attributes: bool = True) -> list[tuple[object, str]]:
    """(element, markup) for every piece of embed code the page keeps as text;
    attributes are searched only when in_attributes (see may_escape_markup)."""
    found: list[tuple[object, str]] = []
    for el in doc.xpath("//textarea | //script[@type] | //noscript | //template"):
        if el.tag == "script" and (el.get("type") or "").lower().split(";")[0].strip() \
                not in _TEMPLATE_TYPES:
            continue
        if el.tag in ("noscript", "template") and len(el):
            continue  # parsed as markup already
        markup = _decoded(el.text or "")
        if markup:
            found.append((el, markup))
    attributes = "//@*[contains(., '<')]"
    for value in doc.xpath(attributes) if in_attributes else ():
        markup = _decoded(str(value))
        if markup:
            found.append((value.getparent(), markup))
    return found


def _decoded(text: str) -> str | None:
    """Embed code as markup: escaped once more ("&lt;") is decoded."""
    if "<" not in text and "&lt;" in text:
        text = htmllib.unescape(text)
    if "<" not in text or not any(marker in text for marker in MARKERS):
        return None
    return text


_ESCAPED = (b"&lt;", b'="<', b"='<")


def may_escape_markup(data: bytes) -> bool:
    """Whether an attribute of the page may hold markup: reading every attribute
    of a page costs more than these tests of its bytes."""
    return any(sign in data for sign in _ESCAPED)
