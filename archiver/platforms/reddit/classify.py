"""The .json listing's and oEmbed's words on a Reddit post -> its status.

`deleted`: the listing answers with the post itself marked removed (the same host
answering about the same post is the corroboration), or both say nothing is at
that id. oEmbed's empty author_name alone is a candidate, never a deletion:
when the listing is refused (403 "Blocked", often now), nothing confirms it.
"""

from __future__ import annotations

from ..base import Finding, Verdict


def classify(listing: Finding, removed: bool, oembed: Finding) -> Verdict:
    both = f"{listing.reason}; {oembed.reason}"
    if listing.kind == "found":
        return Verdict("archived", both, listing.data)
    if listing.kind == "unavailable":
        return Verdict("unavailable", both, listing.data)
    if listing.kind == "not_found":
        if removed or oembed.kind == "not_found":
            return Verdict("deleted", both)
        if oembed.kind == "unavailable":
            return Verdict("unavailable", both)
        if oembed.kind == "found":
            return Verdict("failed", f"{both} (the two disagree)", retry=True)
        return Verdict("failed", f"{both} (not confirmed by oEmbed)", retry=True)
    if oembed.kind == "found":
        return Verdict("archived", f"{both} (data from oEmbed)", oembed.data)
    if oembed.kind == "unavailable":
        return Verdict("unavailable", both)
    if oembed.kind == "not_found":
        return Verdict("failed", f"{both} (a deletion candidate the listing could not"
                                 " confirm)", retry=True)
    return Verdict("failed", both, retry=True)
