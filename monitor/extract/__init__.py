"""Clean text and metadata from what the sites serve, split by concern: ``html`` (document
pages), ``pdf``, ``meta`` (文号, dates, issuer and the line cleaning they share), ``crawl`` (noisy text
holding several documents) and ``files`` (a document file a user imports). The public names stay
importable from ``monitor.extract``."""
from monitor.extract.crawl import split_documents
from monitor.extract.files import read_document
from monitor.extract.html import element_text, extract_html, extract_saved_page
from monitor.extract.meta import (Extracted, clean_line, clean_text, doc_kind, gazette_heading, normalize_number,
                                  parse_date, text_meta)
from monitor.extract.pdf import extract_pdf, join_wrapped_lines

__all__ = ["Extracted", "clean_line", "clean_text", "doc_kind", "element_text", "extract_html",
           "extract_pdf", "extract_saved_page", "gazette_heading", "join_wrapped_lines", "normalize_number",
           "parse_date", "read_document", "split_documents", "text_meta"]
