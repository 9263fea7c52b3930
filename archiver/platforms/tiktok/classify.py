"""The web page's and oEmbed's words on a TikTok post -> its status.

`deleted` needs the page's own removal code (10221, the account gone) and oEmbed
refusing the post too. 10204 ("not available") is said of removed posts and of
blocked IPs alike: it tells nothing, like a challenge page. oEmbed's refusal
alone says nothing of why.
"""

from __future__ import annotations

from ..base import Finding, Verdict


def classify(page: Finding, oembed: Finding, page_retryable: bool = False) -> Verdict:
    """page_retryable: the page did not answer (a transport failure, 429, 5xx), so a
    later run may hear its word."""
    both = f"{page.reason}; {oembed.reason}"
    if page.kind == "found":
        data = page.data
        if oembed.data is not None:
            data.author = data.author or oembed.data.author
            data.handle = data.handle or oembed.data.handle
        return Verdict("archived", both, data)
    if page.kind == "unavailable":
        return Verdict("unavailable", both, oembed.data)
    if page.kind == "not_found":
        if oembed.kind == "not_found":
            return Verdict("deleted", both)
        if oembed.kind == "unavailable":
            return Verdict("unavailable", both)
        why = "the two disagree" if oembed.kind == "found" else "not confirmed by oEmbed"
        return Verdict("failed", f"{both} ({why})", retry=True)
    # The page told nothing (refused, a challenge, 10204): oEmbed's word decides
    # whether the post is there; never whether it is gone.
    if oembed.kind == "found":
        return Verdict("archived", f"{both} (data from oEmbed)", oembed.data)
    if oembed.kind == "unavailable":
        return Verdict("unavailable", both)
    if oembed.kind == "not_found" and not page_retryable:
        # oEmbed refuses private, removed and age-gated posts alike.
        return Verdict("unavailable", f"{both} (why, the page did not say)")
    return Verdict("failed", both, retry=True)
