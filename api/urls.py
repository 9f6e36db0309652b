from django.urls import path, re_path
from django.views.decorators.http import require_safe

from api import views
from api.v1 import api

app_name = "api"

_patterns, _app_name, _namespace = api.urls
for _pattern in _patterns:
    if _pattern.name == "api-root":
        # django-ninja's root only names the prefix and raises an HTML 404; API clients get JSON.
        _pattern.callback = views.not_found
    # The OpenAPI document is public and fetched often; only endpoint calls are logged.
    elif _pattern.name == "openapi-json":
        _pattern.callback = views.answers_head_and_json_405(require_safe(_pattern.callback))
    else:
        _pattern.callback = views.logs_calls(views.answers_head_and_json_405(_pattern.callback))

urlpatterns = [
    path("v1/docs/", views.answers_head_and_json_405(views.docs), name="docs"),
    path("v1/", (_patterns, _app_name, _namespace)),
    # Any character, line breaks included: an encoded newline in the address still gets JSON.
    re_path(r"^(?P<rest>[\s\S]*)$", views.not_found, name="not_found"),
]
