"""oEmbed's and the watch page's words on a video -> its status.

`deleted` needs both: oEmbed finds nothing (404/400) and the watch page's player
says ERROR. Either alone is a candidate; a 401 is embedding disabled, never gone.
"""

from __future__ import annotations

from ..base import Finding, Verdict


def classify(watch: Finding, oembed: Finding) -> Verdict:
    both = f"{watch.reason}; {oembed.reason}"
    if watch.kind == "found":
        data = watch.data
        if oembed.data is not None:  # the channel's @handle is in oEmbed's author_url
            data.handle = data.handle or oembed.data.handle
            data.author = data.author or oembed.data.author
        if oembed.kind == "unavailable" and "embedding" in oembed.reason:
            return Verdict("unavailable", both, data)
        return Verdict("archived", both, data)
    if watch.kind == "unavailable":
        return Verdict("unavailable", both, watch.data or oembed.data)
    if watch.kind == "not_found":
        if oembed.kind == "not_found":
            return Verdict("deleted", both)
        if oembed.kind == "unavailable":
            return Verdict("unavailable", both)
        if oembed.kind == "found":
            return Verdict("failed", f"{both} (the two disagree)", retry=True)
        return Verdict("failed", f"{both} (removal not confirmed by oEmbed)", retry=True)
    if oembed.kind == "found":
        return Verdict("archived", f"{both} (data from oEmbed)", oembed.data)
    if oembed.kind == "unavailable":
        return Verdict("unavailable", both)
    return Verdict("failed", both, retry=True)
