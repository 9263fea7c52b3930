"""Exceptions named for the condition; the CLI turns them into one-line errors."""


class ArchiverError(Exception):
    """Base of the errors a user can act on."""


class SourceError(ArchiverError):
    """A source (file, directory, URL, stdin) could not be read or is not an article."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class ArchiveError(ArchiverError):
    """The archive folder or its database cannot be used."""
