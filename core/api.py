"""API helpers shared by the apps."""

from collections.abc import Mapping
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core import jsonsafe


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with every error body carrying a `detail` message in English."""
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" not in response.data:
        response.data = {"detail": "Invalid input.", "errors": response.data}
    return response


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser with a bound on the nesting depth: too deep is a 400, not a 500.

    `json.load` raises RecursionError (not ValueError, which DRF turns into a 400) on a body
    nested about a thousand levels deep; anything deeper than `max_depth` is refused too.
    """

    max_depth = jsonsafe.MAX_DEPTH

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        message = f"JSON parse error - nested deeper than {self.max_depth} levels"
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(message) from None
        try:
            jsonsafe.check_depth(data, self.max_depth)
        except jsonsafe.JSONTooDeep:
            raise ParseError(message) from None
        return data
