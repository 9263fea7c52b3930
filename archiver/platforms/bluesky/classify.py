"""The AppView's answers on a post, weighed: `deleted` needs the post gone and its
author's account there, named by its DID."""

from __future__ import annotations

from ..base import Finding, Verdict
from . import ids


def classify(thread: Finding, profile: Finding, post_id: str) -> Verdict:
    both = f"{thread.reason}; {profile.reason}"
    if thread.kind == "found":
        return Verdict("archived", thread.reason, thread.data)
    if thread.kind == "unavailable":
        return Verdict("unavailable", both)
    if thread.kind == "not_found":
        if profile.kind == "found":
            if not ids.is_did(ids.split_id(post_id)[0]):
                # Known only by a handle, which may have changed hands since the
                # article linked it: the post may live on under its author's new one.
                return Verdict("unavailable", f"{both}; the post is known by its handle"
                               " alone, which may now name another account: not called"
                               " deleted")
            return Verdict("deleted", both)
        if profile.kind == "unavailable":
            # A deactivated or suspended account's posts answer NotFound too.
            return Verdict("unavailable", both)
    return Verdict("failed", both, retry=True)
