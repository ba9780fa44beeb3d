"""Open311 answers as GeoReport v2 writes them: JSON, or XML with the spec's element names.

A list answer is a JSON array, and in XML a root element (`services`, `service_requests`,
`errors`) holding one element per item (`service`, `request`, `error`). A missing value is
JSON null and an empty XML element; booleans are `true`/`false`; instants are W3C datetimes
in UTC (`2026-12-01T08:15:30Z`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any
from xml.etree import ElementTree

from flask import Response

FORMATS = ("json", "xml")
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
# Characters XML 1.0 cannot carry (and PostgreSQL text cannot hold, for NUL).
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# The element each list's items take in XML, by the list's root element.
ITEMS = {"services": "service", "service_requests": "request", "errors": "error",
         "endpoints": "endpoint", "formats": "format", "attributes": "attribute"}


def w3c(moment: datetime | None) -> str | None:
    """Return an instant as a W3C datetime in UTC, or None."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(value: Any) -> str:
    """Return a scalar as XML text: booleans as the spec writes them, None as nothing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return printable(str(value))


def printable(text: str) -> str:
    """Return text without the control characters XML 1.0 forbids."""
    return UNWRITABLE.sub("", text)


def _element(tag: str, value: Any) -> ElementTree.Element:
    """Build one XML element from a value: a mapping, a list (of ITEMS[tag]) or a scalar."""
    element = ElementTree.Element(tag)
    if isinstance(value, Mapping):
        for key, inner in value.items():
            element.append(_element(key, inner))
    elif isinstance(value, list | tuple):
        for inner in value:
            element.append(_element(ITEMS.get(tag, "item"), inner))
    else:
        element.text = _text(value)
    return element


def to_xml(root: str, value: Mapping[str, Any] | Sequence[Any]) -> str:
    """Return a document whose root element is `root`, with its declaration."""
    body = ElementTree.tostring(_element(root, value), encoding="unicode")
    return DECLARATION + body


def answer(fmt: str, root: str, value: Mapping[str, Any] | Sequence[Any],
           status: int = HTTPStatus.OK) -> Response:
    """Return a response in the requested format (JSON unless XML was asked for)."""
    if fmt == "xml":
        body = to_xml(root, value)
    else:
        body = json.dumps(value, ensure_ascii=False)
    response = Response(body, status=status,
                        content_type=CONTENT_TYPES.get(fmt, CONTENT_TYPES["json"]))
    # Public data, read by other sites' pages too; the POST needs a key, not a cookie.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def errors(fmt: str, status: int, *descriptions: str) -> Response:
    """Return the spec's error list: one (code, description) per problem, with that status."""
    items = [{"code": int(status), "description": text} for text in descriptions]
    return answer(fmt, "errors", items, status)
