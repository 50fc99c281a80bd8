"""The one exception hierarchy of regwatch.

It lives in ``diffs`` because ``diffs`` is the bottom layer that every other package may import;
the other packages subclass these, so ``except RegwatchError`` catches everything regwatch raises
on purpose.
"""


class RegwatchError(Exception):
    """Base of every error regwatch raises deliberately."""


class InputError(RegwatchError):
    """A file or text given by the user cannot be read as a document (missing, binary, undecodable, empty)."""


class ParseError(RegwatchError):
    """A text was read but its structure (a decision, a numbering) could not be understood."""


class ConfigError(RegwatchError):
    """regwatch.toml is missing, malformed or names an unknown key; the message names file, line and key."""


class StoreError(RegwatchError):
    """The SQLite store cannot be opened, migrated or written."""


class FetchError(RegwatchError):
    """A page could not be fetched (network, HTTP status, size limit, foreign redirect, robots.txt)."""


class SourceError(RegwatchError):
    """A site no longer matches the structure its source adapter expects."""


class MailError(RegwatchError):
    """A message could not be composed or handed to the SMTP server."""
