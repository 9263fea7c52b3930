"""Exceptions named for the condition; the CLI turns them into one-line errors."""


class ArchiverError(Exception):
    """Base of the errors a user can act on."""

    def __reduce__(self):
        # Failures are values handed back from scan workers through pickle
        # (processes today, a Dask cluster tomorrow). The default rebuilds an
        # exception by calling its class with the message alone, which fails for
        # any error whose __init__ takes other arguments (SourceError's source and
        # reason): here the instance is rebuilt from its args and attributes.
        return _rebuild, (type(self), self.args, self.__dict__)


def _rebuild(cls: type, args: tuple, state: dict) -> ArchiverError:
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)
    return error


class SourceError(ArchiverError):
    """A source (file, directory, URL, stdin) could not be read or is not an article."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class ArchiveError(ArchiverError):
    """The archive folder or its database cannot be used."""
