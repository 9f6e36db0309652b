"""The API's human-facing pieces: the docs page rendered from the OpenAPI document, a JSON
404 for unknown API paths, and what wraps every endpoint: HEAD and JSON 405s, the call log."""

import json
import re
from functools import wraps

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from api import services
from api.v1 import api

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def logs_calls(view):
    """Record every call: which token (if one was valid), what was asked, the answer's status."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        response = view(request, *args, **kwargs)
        services.api_call_record(
            token=getattr(request, "api_token", None),
            method=request.method,
            path=request.path,
            query=request.META.get("QUERY_STRING", ""),
            status_code=response.status_code,
        )
        return response

    return wrapper


def answers_head_and_json_405(view):
    """HEAD wherever GET is answered, and a JSON 405 for any other method a path lacks.

    RFC 9110 §9.3.2: HEAD gets the status and header fields GET would get (so it is
    authenticated and validated the same way), without the content. §15.5.6: a 405 lists
    the allowed methods in `Allow`. django-ninja routes each method to its operation and
    answers the rest with a bare HTML 405; wrapping the path's view covers every route.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if request.method == "HEAD":
            request.method = "GET"
            try:
                response = view(request, *args, **kwargs)
            finally:
                request.method = "HEAD"
            if not response.streaming:
                response["Content-Length"] = str(len(response.content))
                response.content = b""
        else:
            response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = set(response["Allow"].split(", "))
            if "GET" in allowed:
                allowed.add("HEAD")
            listed = ", ".join(sorted(allowed))
            response = JsonResponse(
                {"message": f"{request.method} is not allowed here. This path answers: {listed}."}, status=405
            )
            response["Allow"] = listed
        return response

    return wrapper


def inline_code(text: str) -> str:
    """OpenAPI descriptions mark code with backticks (Markdown); show those spans as code."""
    return mark_safe(re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(text)))  # noqa: S308 — escaped first


def _schema_ref(schema: dict, node: dict) -> dict:
    ref = node.get("$ref", "")
    return schema["components"]["schemas"].get(ref.rsplit("/", 1)[-1], node) if ref else node


def _parameter_type(node: dict) -> str:
    if "anyOf" in node:
        return " or ".join(_parameter_type(option) for option in node["anyOf"] if option.get("type") != "null")
    if "enum" in node:
        return "one of " + ", ".join(str(value) for value in node["enum"])
    kind = node.get("format") or node.get("type") or "value"
    return {"date-time": "date and time (ISO 8601)", "integer": "whole number"}.get(kind, kind)


def endpoints_from(schema: dict) -> list[dict]:
    """Every operation in the OpenAPI document, in the order the document lists them."""
    endpoints = []
    for path, operations in schema["paths"].items():
        for method in HTTP_METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            parameters = [
                {
                    "name": parameter["name"],
                    "where": parameter["in"],
                    "required": parameter.get("required", False),
                    "type": _parameter_type(_schema_ref(schema, parameter.get("schema", {}))),
                    "description": inline_code(
                        parameter.get("description") or parameter.get("schema", {}).get("description", "")
                    ),
                }
                for parameter in operation.get("parameters", [])
            ]
            endpoints.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "tag": (operation.get("tags") or ["Other"])[0],
                    "parameters": parameters,
                    "statuses": sorted(operation.get("responses", {})),
                    "anchor": operation.get("operationId", f"{method}-{path}"),
                }
            )
    return endpoints


@require_safe
def docs(request: HttpRequest) -> HttpResponse:
    schema = api.get_openapi_schema()
    return render(
        request,
        "api/docs.html",
        {
            "title": schema["info"]["title"],
            "description": inline_code(schema["info"].get("description", "")),
            "endpoints": endpoints_from(schema),
            "schema_json": json.dumps(schema["components"]["schemas"], indent=2),
        },
    )


def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    return JsonResponse({"message": f"There is no API endpoint at {request.path}. See /api/v1/docs/."}, status=404)
