"""One error shape for every error the API returns: {"error": {"code", "message", "details"}}."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error with an HTTP status, a stable code and a plain message."""

    def __init__(self, status: int, code: str, message: str, details: Any = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


STATUS_CODES = {
    400: "bad_request",
    401: "not_logged_in",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "too_many_attempts",
    500: "internal_error",
}


def not_found(what: str) -> ApiError:
    return ApiError(404, "not_found", f"{what} was not found, or you may not see it.")


def clean_validation_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """FastAPI's validation errors without the submitted values (they may be passwords)."""
    cleaned = []
    for err in errors:
        cleaned.append({"loc": [str(part) for part in err.get("loc", ())],
                        "msg": str(err.get("msg", "")), "type": str(err.get("type", ""))})
    return cleaned
