"""Operational endpoints and the project-wide error views."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from minato.core.health import readiness
from minato.core.problems import problem_response


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and serving. Says nothing about its dependencies on purpose."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    ok, checks = readiness()
    return JsonResponse(
        {"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503
    )


def bare(request: HttpRequest) -> HttpResponse:
    """The benchmark's floor: Django's full middleware stack and nothing else."""
    return HttpResponse(b"ok", content_type="text/plain")


def rate_limited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return problem_response(
        request,
        status=429,
        title=_("Too many attempts"),
        detail=_("Please wait a minute and try again."),
        headers={"Retry-After": "60"},
    )


# The error views pass lazy titles: problem_response renders them in the language of the
# page's URL, which is not always the active one (an error raised before LocaleMiddleware).


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        # A form body over DATA_UPLOAD_MAX_MEMORY_SIZE: the same answer as MAX_REQUEST_BYTES.
        return problem_response(request, status=413, title=_("Request body too large"))
    return problem_response(request, status=400, title=_("The request could not be understood"))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return problem_response(
        request, status=403, title=_("You do not have permission to see this page")
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return problem_response(request, status=404, title=_("Page not found"))


def server_error(request: HttpRequest) -> HttpResponse:
    return problem_response(
        request,
        status=500,
        title=_("Sorry, something went wrong on our side"),
        detail=_("Nothing you entered was lost. Please try again later."),
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return problem_response(
        request,
        status=403,
        title=_("Your session has expired"),
        detail=_("Please go back, reload the page and try again."),
    )
