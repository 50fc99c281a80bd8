"""The one exception hierarchy of regwatch.

It lives in ``diffs`` because ``diffs`` is the bottom layer that every other package may import;
the other packages subclass these, so ``except RegwatchError`` catches everything regwatch raises
on purpose. As in httpx's exception tree, an error carries its data as constructor fields (a
FetchError its URL and HTTP status, a SourceError what was expected and found), so callers read
attributes that always exist; ``exit_code`` is the CLI's exit status, a class attribute.
"""
from __future__ import annotations


class RegwatchError(Exception):
    """Base of every error regwatch raises deliberately."""

    exit_code = 2


class InputError(RegwatchError):
    """A file or text given by the user cannot be read as a document (missing, binary, undecodable, empty)."""


class ParseError(RegwatchError):
    """A text was read but its structure (a decision, a numbering) could not be understood."""


class ConfigError(RegwatchError):
    """regwatch.toml is missing, malformed or names an unknown key; the message names file, line and key."""


class StoreError(RegwatchError):
    """The SQLite store cannot be opened, migrated or written."""


class FetchError(RegwatchError):
    """A page could not be fetched (network, HTTP status, size limit, foreign redirect, robots.txt).

    ``url`` is the page asked for (None when the failure is not one page's, e.g. a host's
    robots.txt); ``status`` the HTTP status when the server answered with an error (404/410 tell a
    page that is gone from a failure), else None.
    """

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


class SourceError(RegwatchError):
    """A site no longer matches the structure its source adapter expects: at ``url`` the adapter
    expected ``expected`` and found ``found``."""

    def __init__(self, url: str, expected: str, found: str) -> None:
        super().__init__(f"{url}: expected {expected}; found {found}")
        self.url = url
        self.expected = expected
        self.found = found


class MailError(RegwatchError):
    """A message could not be composed or handed to the SMTP server."""
