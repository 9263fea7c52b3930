"""Two sources' words on a post -> its status. Never `deleted` on one source's word."""

from __future__ import annotations

from ..base import Finding, Verdict


def classify(syndication: Finding, oembed: Finding) -> Verdict:
    both = f"{syndication.reason}; {oembed.reason}"
    if syndication.kind == "found":
        return Verdict("archived", syndication.reason, syndication.data)
    if oembed.kind == "found":
        # Syndication has answered tombstones for posts that exist: oEmbed's word wins.
        return Verdict("archived", f"{both} (data from oEmbed)", oembed.data)
    if syndication.kind == "not_found" and oembed.kind == "not_found":
        return Verdict("deleted", both)
    if "unavailable" in (syndication.kind, oembed.kind):
        return Verdict("unavailable", both)
    return Verdict("failed", both, retry=True)
