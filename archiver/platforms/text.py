"""An embed's words as a reader sees them, read from a Lexbor element: shared by
the platforms whose embed code holds the post's text in markup."""

from __future__ import annotations

_BLOCKS = frozenset({"p", "div", "blockquote", "li", "section", "figure", "figcaption", "h1",
                     "h2", "h3", "h4", "pre", "tr"})
_SKIPPED = frozenset({"script", "style", "template", "noscript", "svg"})


def reader_text(node) -> str:
    """An element's text as a reader sees it: <br> and block ends as newlines,
    runs of spaces as one, empty lines dropped. Iterative: deep nesting is no
    recursion limit."""
    parts: list[str] = []
    stack = [node.child] if node.child is not None else []
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        if item.next is not None:
            stack.append(item.next)
        tag = item.tag
        if tag == "-text":
            parts.append(item.text_content or "")
        elif tag == "br":
            parts.append("\n")
        elif item.is_element_node and tag not in _SKIPPED and item.child is not None:
            if tag in _BLOCKS:
                parts.append("\n")
                stack.append("\n")
            stack.append(item.child)
    text = "".join(parts).replace("\u00a0", " ")
    return "\n".join(" ".join(line.split()) for line in text.split("\n") if line.strip())
