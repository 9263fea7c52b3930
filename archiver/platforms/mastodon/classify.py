"""An instance's answers on a status, weighed. A 404 is "deleted or private": it
is taken as a deletion only when the account still resolves on the status's own
instance, unsuspended, and its public posts load there."""

from __future__ import annotations

from ..base import Finding, Verdict
from .api import local_account


def classify(status: Finding, account: Finding, feed: Finding) -> Verdict:
    every = f"{status.reason}; {account.reason}; {feed.reason}"
    if status.kind == "found":
        return Verdict("archived", status.reason, status.data)
    if status.kind == "unavailable":
        return Verdict("unavailable", f"{status.reason}; {account.reason}")
    if status.kind == "not_found":
        if account.kind == "error" or (local_account(account) and feed.kind == "error"):
            return Verdict("failed", every, retry=True)
        if local_account(account) and feed.kind == "found":
            return Verdict("deleted", every + " (a followers-only post would answer the same)")
        if local_account(account):
            return Verdict("unavailable", f"{every}; without its public posts there is no"
                           " telling a deletion from a followers-only post")
        if account.kind == "found":
            # Another instance's account: this instance held a copy, and its word on
            # the original is not the original's.
            return Verdict("unavailable", f"{every}; the status is a copy of another"
                           " instance's post: its absence here is not a deletion")
        return Verdict("unavailable", every)
    return Verdict("failed", every, retry=True)
