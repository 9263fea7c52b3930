"""Lists of articles: a --sources file, RSS and Atom feeds, sitemaps.

Trust in a URL source comes from the operator: a URL typed on the command line
or in a sources file, and any entry of a list read from the local disk, may be
on any address (an intranet CMS is a fair source). An entry of a list fetched
from the network is a ListedURL: it carries the one host the operator named
upstream, and anywhere else it must be on a public address.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from ..errors import SourceError

_FEED_HEAD = re.compile(rb"<(?:rss|feed|urlset|sitemapindex|rdf:RDF)[\s>]", re.IGNORECASE)
ATOM = "{http://www.w3.org/2005/Atom}"
MAX_ENTRIES = 50_000


class ListedURL(str):
    """A URL a fetched feed or sitemap listed: the operator did not write it, so it
    trusts only trusted_host (the host the operator named, or None)."""

    def __new__(cls, url: str, trusted_host: str | None):
        listed = super().__new__(cls, url)
        listed.trusted_host = trusted_host
        return listed

    def __reduce__(self):  # lists are read in worker processes
        return (ListedURL, (str(self), self.trusted_host))


def trusted_host(url: str) -> str | None:
    """The host a URL source may reach on a non-public address: its own when the
    operator wrote it, its list's upstream trust when a fetched list named it."""
    if isinstance(url, ListedURL):
        return url.trusted_host
    return (urlsplit(url).hostname or "").lower() or None


def read_sources_file(path: str) -> list[str]:
    """One source per line; blank lines and '#' comments (at a line's start or after
    a space) are skipped."""
    try:
        # A line that is not UTF-8 is a path written in another encoding: kept as
        # its bytes, so the scan can open it (and names it with the bytes escaped).
        text = Path(path).read_text(encoding="utf-8-sig", errors="surrogateescape")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(path, f"cannot read the sources file: {exc}") from None
    sources = []
    for line in text.splitlines():
        line = re.sub(r"(^|\s)#.*$", "", line).strip()
        if line:
            sources.append(line)
    return sources


def is_feed(data: bytes) -> bool:
    head = data[:2048].lstrip()
    return (head.startswith(b"<?xml") and bool(_FEED_HEAD.search(data[:4096]))) or bool(
        _FEED_HEAD.match(head)
    )


def entries(data: bytes, base: str) -> tuple[str, list[str]]:
    """The kind of list ("feed", "sitemap", "sitemapindex") and the URLs it lists;
    those of a list fetched from base are ListedURLs (see the module's doc)."""
    try:
        return _entries(data, base)
    except ValueError as exc:  # lxml's recovering parser can leave names QName refuses
        raise SourceError(base, f"unreadable feed or sitemap: {exc}") from None


def _entries(data: bytes, base: str) -> tuple[str, list[str]]:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True,
                             huge_tree=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise SourceError(base, f"unreadable feed or sitemap: {exc}") from None
    if root is None:
        raise SourceError(base, "unreadable feed or sitemap")
    name = etree.QName(root).localname.lower()
    urls: list[str] = []
    if name in ("urlset", "sitemapindex"):
        kind = name.replace("urlset", "sitemap")
        urls = [el.text.strip() for el in root.iter() if isinstance(el.tag, str)
                and etree.QName(el).localname == "loc" and el.text]
    elif name == "feed":  # Atom
        kind = "feed"
        for entry in root.iter(f"{ATOM}entry"):
            links = entry.findall(f"{ATOM}link")
            best = [a for a in links if a.get("rel", "alternate") == "alternate"] or links
            if best and best[0].get("href"):
                urls.append(best[0].get("href").strip())
    else:  # RSS 0.9x/2.0 and RDF
        kind = "feed"
        for item in root.iter():
            if not isinstance(item.tag, str) or etree.QName(item).localname != "item":
                continue
            link = next((c for c in item if isinstance(c.tag, str)
                         and etree.QName(c).localname == "link" and (c.text or "").strip()),
                        None)
            guid = next((c for c in item if isinstance(c.tag, str)
                         and etree.QName(c).localname == "guid"
                         and c.get("isPermaLink", "true") != "false"
                         and (c.text or "").strip().startswith("http")), None)
            chosen = link if link is not None else guid
            if chosen is not None:
                urls.append(chosen.text.strip())
    resolved = []
    seen = set()
    fetched = base.startswith(("http://", "https://"))
    for url in urls[:MAX_ENTRIES]:
        full = urljoin(base, url) if fetched else url
        if full not in seen:
            seen.add(full)
            resolved.append(ListedURL(full, trusted_host(base)) if fetched else full)
    return kind, resolved
