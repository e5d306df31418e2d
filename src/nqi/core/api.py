"""The REST API under /api/v1/: one NinjaAPI, one error shape (RFC 9457 problem details).

Reads of public data need no authentication. Writes need an API token (``Authorization: Bearer
nqi_…``) or a logged-in browser session with its CSRF token. Each app adds its router in
:mod:`nqi.urls`.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination
from ninja.security import APIKeyCookie, HttpBearer

from nqi import __version__
from nqi.core.audit import set_actor

log = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"


class FieldError(Schema):
    field: str
    message: str


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldError] | None = None


class ChangeOut(Schema):
    """One entry of an object's audit trail."""

    action: str
    time: dt.datetime
    user: str
    source: str
    changes: dict[str, Any]


def change_history(obj) -> list[dict[str, Any]]:
    """The audit trail of ``obj`` in the shape of :class:`ChangeOut`, newest first."""
    from nqi.core.audit import history_for

    return [
        {
            "action": e.action,
            "time": e.created_at,
            "user": e.actor_label,
            "source": e.source,
            "changes": e.changes,
        }
        for e in history_for(obj)
    ]


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        from nqi.core.models import ApiToken

        found = ApiToken.objects.filter(key_hash=ApiToken.hash_key(token)).select_related("user").first()
        if found is None or not found.is_valid() or not found.user.is_active:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        set_actor(found.user, "api")
        return found.user


class SessionAuth(APIKeyCookie):
    """A logged-in browser session (CSRF-checked by django-ninja)."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None):
        if request.user.is_authenticated:
            set_actor(request.user, "api")
            return request.user
        return None


class Pagination(LimitOffsetPagination):
    """limit/offset pagination with bounds the databases can take (SQLite integers are 64-bit)."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=500, description="Items per page (1–500)")
        offset: int = Field(0, ge=0, le=1_000_000_000, description="Items to skip")


WRITE_AUTH = [TokenAuth(), SessionAuth(csrf=True)]

# Responses every endpoint may give, declared so the OpenAPI document is complete.
READ_ERRORS: dict[int, Any] = {400: Problem, 404: Problem, 422: Problem}
WRITE_ERRORS: dict[int, Any] = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 422: Problem}


class ProblemAwareAPI(NinjaAPI):
    """Declares error responses as ``application/problem+json`` in the OpenAPI document."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for code, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if str(code).startswith(("4", "5")) and "application/json" in content:
                        response["content"] = {PROBLEM_CONTENT_TYPE: content["application/json"]}
        return schema


api = ProblemAwareAPI(
    title="NQI API",
    version=__version__,
    description=(
        "National quality infrastructure: organizations, standards, committees, metrology. "
        "Public data is readable without authentication; writes need a bearer token. "
        "Every error is an RFC 9457 problem-details object."
    ),
    urls_namespace="api",
    docs_url="/docs",
)


def problem(
    request: HttpRequest, status: int, title: str, detail: str | None = None, errors=None
) -> HttpResponse:
    body = Problem(title=title, status=status, detail=detail, instance=request.path, errors=errors)
    response = api.create_response(request, body.model_dump(exclude_none=True), status=status)
    response["Content-Type"] = PROBLEM_CONTENT_TYPE
    return response


def _field_errors_from_ninja(exc: NinjaValidationError) -> list[dict[str, str]]:
    errors = []
    for error in exc.errors:
        location = [
            str(part) for part in error.get("loc", []) if part not in ("body", "payload", "query", "path")
        ]
        errors.append({"field": ".".join(location) or "body", "message": error.get("msg", "invalid")})
    return errors


def _field_errors_from_django(exc: ValidationError) -> list[dict[str, str]]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": field, "message": str(message)}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"field": "body", "message": str(message)} for message in exc.messages]


@api.exception_handler(NinjaValidationError)
def _on_ninja_validation(request, exc):
    return problem(
        request, 422, "Validation failed", "The request has invalid fields.", _field_errors_from_ninja(exc)
    )


@api.exception_handler(ValidationError)
def _on_django_validation(request, exc):
    return problem(
        request, 422, "Validation failed", "The data is not valid.", _field_errors_from_django(exc)
    )


@api.exception_handler(AuthenticationError)
def _on_auth(request, exc):
    response = problem(request, 401, "Authentication required", "Send a bearer token or log in.")
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(PermissionDenied)
def _on_forbidden(request, exc):
    return problem(request, 403, "Forbidden", str(exc) or "You may not do this.")


@api.exception_handler(Http404)
def _on_not_found(request, exc):
    return problem(request, 404, "Not found", str(exc) or "No such object.")


@api.exception_handler(HttpError)
def _on_http_error(request, exc: HttpError):
    return problem(request, exc.status_code, str(exc) or "Error")


@api.exception_handler(Exception)
def _on_unexpected(request, exc):
    log.exception("Unhandled API error on %s", request.path)
    return problem(request, 500, "Internal server error", "The error was logged.")


@api.get("/status", response={200: dict}, tags=["meta"], summary="Service status and version")
def status(request):
    return {"status": "ok", "version": __version__}
