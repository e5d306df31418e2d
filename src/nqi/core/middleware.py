"""Request hygiene shared by pages and API."""

from __future__ import annotations

from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _

_NUL_JSON = b"\\u0000"


class RejectNulMiddleware:
    """Refuse NUL characters in query parameters and bodies with a 400 that names the parameter.

    PostgreSQL cannot store NUL in text, and no real input contains one; without this check the
    same request would succeed on SQLite and fail with a server error on PostgreSQL.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bad = [
            key or "query"
            for key, values in request.GET.lists()
            if "\x00" in key or any("\x00" in v for v in values)
        ]
        if not bad and request.method in {"POST", "PUT", "PATCH"}:
            body = request.body
            if b"\x00" in body or _NUL_JSON in body:
                bad = ["body"]
        if not bad:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            from nqi.core.api import problem

            errors = [{"field": name, "message": "NUL characters are not allowed."} for name in bad]
            return problem(request, 400, "Bad request", "The request contains NUL characters.", errors)
        return HttpResponseBadRequest(
            _("The request contains NUL characters in: %(fields)s") % {"fields": ", ".join(bad)}
        )
