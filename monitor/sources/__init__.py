"""Source adapters, one module per kind of site; ``get(kind)`` gives the class."""
from monitor.sources.base import DocumentRef, FetchedDocument, Source, get

__all__ = ["DocumentRef", "FetchedDocument", "Source", "get"]
