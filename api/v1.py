"""Docere API v1: read-only, bearer-token authenticated, documented at /api/v1/docs/.

Errors are always JSON with a `message` a person can act on: 400 for a bad cursor, 422
for parameters that do not validate (with an `errors` list), 401 without a valid token,
403 when the token's scope does not cover the endpoint, 404 for unknown ids, 405 for a
method the path does not answer.
"""

from datetime import UTC, datetime
from typing import Annotated

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import NinjaAPI, Path, Query
from ninja.errors import AuthenticationError, HttpError, ValidationError
from pydantic import AfterValidator, BeforeValidator

from api import selectors
from api.auth import InvalidToken, ScopeError, bearer_challenge, read_catalog, read_everything
from api.pagination import MAX_ID, InvalidCursor, page_after
from api.schemas import (
    CertificateOut,
    CertificatePageOut,
    CompletionPageOut,
    CourseListOut,
    CourseOut,
    ErrorOut,
    TranscriptOut,
    ValidationErrorOut,
    certificate_out,
    completion_out,
    course_out,
    course_ref_out,
    learner_out,
)
from certificates.models import CertificateStatus, credit_text, normalize_code
from certificates.selectors import transcript_for


class DocereApi(NinjaAPI):
    def get_root_path(self, path_params: dict) -> str:
        # Mounted inside the "api" app's namespace, not at the project's top level.
        return reverse(f"api:{self.urls_namespace}:api-root", kwargs=path_params)

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        # Refusals carry an RFC 6750 challenge; documented, so schema checks hold us to it.
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    if int(status) in CHALLENGES:
                        description, pattern = CHALLENGES[int(status)]
                        response["headers"] = {
                            "WWW-Authenticate": {
                                "description": description,
                                "required": True,
                                "schema": {"type": "string", "pattern": pattern},
                            }
                        }
        return schema


_QUOTED = r'"[^"\\]+"'
CHALLENGES = {
    401: (
        'RFC 6750 challenge: `Bearer realm="Docere API"`, plus `error="invalid_token"` and '
        "`error_description` when the token sent is unknown, expired or revoked.",
        rf'^Bearer realm="Docere API"(, error="invalid_token", error_description={_QUOTED})?$',
    ),
    403: (
        'RFC 6750 challenge with `error="insufficient_scope"` and the `scope` the endpoint needs.',
        rf'^Bearer realm="Docere API", error="insufficient_scope", error_description={_QUOTED}, scope={_QUOTED}$',
    ),
}


api = DocereApi(
    title="Docere API",
    version="1",
    description=(
        "Read-only access to Docere's published courses, completions, certificates and learner "
        "transcripts. Authenticate with a personal access token created by a CME administrator: "
        "`Authorization: Bearer dct_…`."
    ),
    urls_namespace="v1",
    docs_url=None,  # our own server-rendered page at /api/v1/docs/: no CDN, no inline script
    auth=read_everything,
)

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Limit = Annotated[int, Query(ge=1, le=200, description="How many items per page (1–200).")]
CourseFilter = Annotated[int | None, Query(ge=1, le=MAX_ID, description="Only this course (its id).")]


def _iso_8601_only(value):
    # pydantic would also read "1700000000", "0.5" or "9.7e-200" as seconds since 1970; the
    # documented format is ISO 8601, and a number here is more likely a mistake than a timestamp.
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return value
        raise ValueError("give a date and time in ISO 8601, e.g. 2026-01-31T00:00:00Z")
    return value


def _in_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError as error:  # 0001-01-01T00:00+01:00 is before the first representable instant
        raise ValueError("is outside the range of dates Docere can compare") from error


Since = Annotated[
    datetime | None,
    BeforeValidator(_iso_8601_only),
    AfterValidator(_in_utc),
    Query(None, description="Only from this moment on (ISO 8601; UTC if no offset)."),
]
Cursor = Annotated[str | None, Query(max_length=200, description="`next_cursor` of the previous page.")]
Code = Annotated[str, Path(pattern=r"^[0-9A-Za-z][0-9A-Za-z -]{0,19}$", description="Certificate code.")]
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


def _error(request: HttpRequest, message: str, status: int, **extra) -> HttpResponse:
    return api.create_response(request, {"message": message, **extra}, status=status)


class InvalidParameters(Exception):
    """Parameters refused before the endpoint runs; `problems` are `ProblemOut` dicts."""

    def __init__(self, message: str, problems: list[dict]):
        super().__init__(message)
        self.message = message
        self.problems = problems


@api.exception_handler(InvalidParameters)
def _invalid_parameters(request, error: InvalidParameters):
    return _error(request, error.message, 422, errors=error.problems)


@api.exception_handler(ValidationError)
def _parameters_not_validating(request, error: ValidationError):
    problems = []
    for item in error.errors:
        location, *field = [str(part) for part in item.get("loc", [])] or ["query"]
        problems.append({"location": location, "field": ".".join(field), "message": item.get("msg", "")})
    message = "Some parameters are not valid: " + "; ".join(
        f"{problem['field'] or problem['location']}: {problem['message']}" for problem in problems
    )
    return _invalid_parameters(request, InvalidParameters(message, problems))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, error: AuthenticationError):
    if isinstance(error, InvalidToken):
        response = _error(request, error.message, 401)
        response["WWW-Authenticate"] = bearer_challenge(error="invalid_token", error_description=error.description)
    else:  # no bearer token at all: RFC 6750 §3.1 says no error code
        response = _error(request, "Send a valid, unexpired access token: `Authorization: Bearer dct_…`.", 401)
        response["WWW-Authenticate"] = bearer_challenge()
    return response


@api.exception_handler(ScopeError)
def _insufficient_scope(request, error: ScopeError):
    response = _error(request, error.message, 403)
    response["WWW-Authenticate"] = bearer_challenge(
        error="insufficient_scope",
        error_description="The token's scope does not cover this endpoint",
        scope=error.scope,
    )
    return response


@api.exception_handler(HttpError)
def _http_error(request, error: HttpError):
    return _error(request, str(error.message), error.status_code)


@api.exception_handler(Http404)
def _not_found(request, error):
    return _error(request, str(error) or "Not found.", 404)


@api.exception_handler(InvalidCursor)
def _bad_cursor(request, error: InvalidCursor):
    return _error(request, error.message, 400)


def _only_documented_parameters(request: HttpRequest, *names: str) -> None:
    # A misspelt filter (`?course_id=5`) must not silently return everything.
    unknown = sorted(set(request.GET) - set(names))
    if unknown:
        listed = ", ".join(f"“{name}”" for name in unknown)
        takes = f"This endpoint takes: {', '.join(names) or 'none'}."
        raise InvalidParameters(
            f"Unknown parameter {listed}. {takes}",
            [{"location": "query", "field": name, "message": f"Unknown parameter. {takes}"} for name in unknown],
        )


@api.get(
    "/courses",
    response={200: CourseListOut, **ERRORS},
    auth=read_catalog,
    tags=["Courses"],
    summary="Published courses with their CME facts",
)
def list_courses(request):
    _only_documented_parameters(request)
    return {"items": [course_out(course) for course in selectors.published_courses()]}


@api.get(
    "/courses/{course_id}",
    response={200: CourseOut, **ERRORS},
    auth=read_catalog,
    tags=["Courses"],
    summary="One published course",
)
def get_course(request, course_id: Id):
    _only_documented_parameters(request)
    try:
        return course_out(selectors.published_course(course_id=course_id))
    except ObjectDoesNotExist as error:
        raise Http404(f"No published course has id {course_id}.") from error


@api.get(
    "/completions",
    response={200: CompletionPageOut, **ERRORS},
    tags=["Completions"],
    summary="Completed enrollments, oldest first, one page at a time",
)
def list_completions(
    request, course: CourseFilter = None, since: Since = None, cursor: Cursor = None, limit: Limit = 50
):
    _only_documented_parameters(request, "course", "since", "cursor", "limit")
    rows = selectors.completions(course_id=course, since=since)
    page = page_after(rows, endpoint="completions", time_field="completed_at", cursor=cursor, limit=limit)
    return {
        "items": [completion_out(row) for row in page.items],
        "next_cursor": page.next_cursor,
        "has_more": page.has_more,
    }


@api.get(
    "/certificates",
    response={200: CertificatePageOut, **ERRORS},
    tags=["Certificates"],
    summary="Certificates in order of their last status change (a revocation brings one back)",
)
def list_certificates(
    request,
    course: CourseFilter = None,
    status: CertificateStatus | None = None,
    since: Since = None,
    cursor: Cursor = None,
    limit: Limit = 50,
):
    _only_documented_parameters(request, "course", "status", "since", "cursor", "limit")
    rows = selectors.certificates(course_id=course, status=status, since=since)
    page = page_after(rows, endpoint="certificates", time_field="status_changed_at", cursor=cursor, limit=limit)
    return {
        "items": [certificate_out(row) for row in page.items],
        "next_cursor": page.next_cursor,
        "has_more": page.has_more,
    }


@api.get(
    "/certificates/{code}",
    response={200: CertificateOut, **ERRORS},
    tags=["Certificates"],
    summary="One certificate by its code",
)
def get_certificate(request, code: Code):
    _only_documented_parameters(request)
    try:
        return certificate_out(selectors.certificate_by_code(code=normalize_code(code)))
    except ObjectDoesNotExist as error:
        raise Http404(f"No certificate has the code {code}.") from error


@api.get(
    "/learners/{learner_id}/transcript",
    response={200: TranscriptOut, **ERRORS},
    tags=["Learners"],
    summary="One learner's transcript: every claimed activity (revoked ones left out) and credit totals",
)
def get_transcript(request, learner_id: Id):
    _only_documented_parameters(request)
    try:
        user = selectors.learner(learner_id=learner_id)
    except ObjectDoesNotExist as error:
        raise Http404(f"No learner has id {learner_id}.") from error
    transcript = transcript_for(user=user)
    items = [
        {
            "course": course_ref_out(claim.enrollment.course),
            "provider_name": claim.enrollment.course.provider_name,
            "credit_type": claim.credit_type,
            "credit_type_label": claim.get_credit_type_display(),
            "credits": float(claim.credits_claimed),
            "credit_text": claim.credit_text,
            "completed_at": claim.enrollment.completed_at,
            "claimed_at": claim.claimed_at,
            "certificate_code": claim.certificate.code,
            "certificate_status": claim.certificate.status,
            "verify_url": claim.certificate.verify_url,
        }
        for claim in transcript.claims
    ]
    totals = [
        {
            "credit_type_label": total.label,
            "credits": float(total.total),
            "credit_text": credit_text(total.total, total.credit_type),
        }
        for total in sorted(transcript.totals_by_type, key=lambda total: total.label)
    ]
    return {"learner": learner_out(user), "items": items, "totals": totals}
