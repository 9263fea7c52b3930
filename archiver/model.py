"""Plain values passed between the stages: scan -> store -> fetch -> lookup."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Embed:
    """One post embedded in an article, as far as the article itself tells.

    Fields the article does not tell stay None: nothing is guessed.
    """

    platform: str
    id: str | None = None
    handle: str | None = None
    author: str | None = None
    date: str | None = None  # YYYY-MM-DD
    text: str | None = None  # paragraphs joined by "\n"
    url: str | None = None
    links: list[str] = field(default_factory=list)
    # Where the date came from, as written ("January 6, 2022"); None when the
    # date was derived from the id.
    date_text: str | None = None
    form: str = ""  # which markup it was found in: oembed, wordpress, amp, iframe, ...

    def to_json(self) -> dict:
        return {
            "platform": self.platform,
            "id": self.id,
            "handle": self.handle,
            "author": self.author,
            "date": self.date,
            "text": self.text,
            "url": self.url,
            "links": list(self.links),
        }

    def cited_json(self) -> dict:
        """A cited post as output: what a link to it tells, nothing more."""
        return {"platform": self.platform, "id": self.id, "handle": self.handle, "url": self.url}


@dataclass
class Article:
    """What one source (file, URL, stdin) holds."""

    source: str
    title: str | None
    kind: str  # "html" or "text"
    content_hash: str
    embeds: list[Embed] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    # What the scan could not read whole, in words ("markup nested deeper than
    # ... levels was cut"): the embeds found may be incomplete.
    warnings: list[str] = field(default_factory=list)
    # Posts the article links to in its prose without embedding them (form
    # "cited"): a status link in a sentence, not in a share button or a menu.
    # A post both embedded and linked is an embed only.
    cited: list[Embed] = field(default_factory=list)

    def to_json(self) -> dict:
        data = {
            "source": self.source,
            "title": self.title,
            "embeds": [e.to_json() for e in self.embeds],
            "links": list(self.links),
            "cited": [e.cited_json() for e in self.cited],
        }
        if self.warnings:
            data["warnings"] = list(self.warnings)
        return data
