"""The exceptions portalkb raises: one per error code of the library.

Each carries the library's message (``str(e)``), the code name
(``e.code``, e.g. ``"invalid_argument"``) and the operation that failed
(``e.operation``, e.g. ``"search"``). This is the only place library errors
become Python exceptions.
"""

from typing import Dict, Type

__all__ = [
    "Error", "InvalidArgument", "InvalidQuery", "NotFound", "AlreadyExists", "IndexNotFound",
    "PermissionDenied", "Unauthenticated", "CorruptIndex", "Busy", "ResourceExhausted",
    "Unavailable", "IOError",
]


class Error(Exception):
    """Base class of every error the portalkb library reports."""

    def __init__(self, message: str, code: str = "internal", operation: str = "") -> None:
        super().__init__(message)
        self.message = message
        """The library's message, naming what is wrong."""
        self.code = code
        """The library's error code name, e.g. ``"not_found"``."""
        self.operation = operation
        """The operation that failed, e.g. ``"search"`` or ``"add_files"``."""


class InvalidArgument(Error, ValueError):
    """Bad input from the caller: an option, a document, an id, a filter."""


class InvalidQuery(InvalidArgument):
    """A search, suggestion or related-documents request the library refused
    (malformed filter or sort, unsupported language, a limit exceeded)."""


class NotFound(Error, LookupError):
    """A document, rule or record that does not exist or is not visible."""


class AlreadyExists(Error):
    """Creating something that exists already (e.g. ``KnowledgeBase.create`` on an index)."""


class IndexNotFound(Error, FileNotFoundError):
    """No index at the given path."""


class PermissionDenied(Error, PermissionError):
    """The caller is known but may not do this."""


class Unauthenticated(Error):
    """The caller could not be identified (missing, expired or bad credentials)."""


class CorruptIndex(Error):
    """Stored data is unreadable, or of a format this build does not read."""


class Busy(Error):
    """Another writer holds the index's lock."""


class ResourceExhausted(Error):
    """A limit was reached; the message names it."""


class Unavailable(Error):
    """A needed service (such as the analytics log) is down for now; retrying may help."""


class IOError(Error, OSError):  # noqa: A001 - the library's name for the code
    """The file system failed, or a file could not be read."""


_BY_CODE: Dict[str, Type[Error]] = {
    "invalid_argument": InvalidArgument,
    "not_found": NotFound,
    "already_exists": AlreadyExists,
    "io_error": IOError,
    "corruption": CorruptIndex,
    "busy": Busy,
    "internal": Error,
    "index_not_found": IndexNotFound,
    "permission_denied": PermissionDenied,
    "unauthenticated": Unauthenticated,
    "unavailable": Unavailable,
    "resource_exhausted": ResourceExhausted,
}

_QUERY_OPERATIONS = frozenset({"search", "suggest", "related"})


def _from_status(code: str, message: str, operation: str) -> Error:
    """The exception for a failed library Status (called by the extension)."""
    cls = _BY_CODE.get(code, Error)
    if cls is InvalidArgument and operation in _QUERY_OPERATIONS:
        cls = InvalidQuery
    return cls(message, code, operation)
