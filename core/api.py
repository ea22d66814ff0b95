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


# --- the OpenAPI schema -------------------------------------------------------------------------

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every error of the API: an English `detail`, and `errors` where there is more.",
    "properties": {
        "detail": {"type": "string"},
        "errors": {"description": "Per field or per issue, where the error has them."},
    },
    "required": ["detail"],
}

_ERRORS = {
    "400": "Invalid input: the body or a value is wrong, or the step is not possible now.",
    "401": "No valid credentials: a wrong or expired token, or no sign-in where one is needed.",
    "403": "Signed in, but not allowed for this municipality or role.",
    "404": "No such municipality, year or round.",
    "415": "The body is not JSON (the API takes `application/json` only).",
    "429": "Too many wrong tokens from this address; see the Retry-After header.",
}


def document_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: add the JSON errors every operation can answer.

    DRF answers 401 to any wrong token (public endpoints included), 429 after too many, 403 to
    a signed-in user without the right, 404 to an unknown path parameter, 400 and 415 to a
    bad body; the error bodies all have the shape of `exception_handler` above.
    """
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            public_operation = {} in operation.get("security", [])
            codes = ["401", "429"]
            if not public_operation:
                codes.append("403")
            if any(p.get("in") == "path" for p in operation.get("parameters", [])):
                codes.append("404")
            if method != "get":
                codes.append("400")
            if "requestBody" in operation:
                codes.append("415")
            responses = operation["responses"]
            for code in codes:
                responses.setdefault(code, {"description": _ERRORS[code]})
            for code, response in responses.items():
                if code.startswith("4") and "content" not in response:
                    response["content"] = error
            operation["responses"] = dict(sorted(responses.items()))
    return result
