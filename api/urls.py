from django.urls import path, re_path

from api import views
from api.v1 import api

app_name = "api"

_patterns, _app_name, _namespace = api.urls
for _pattern in _patterns:
    # The OpenAPI document is public and fetched often; only endpoint calls are logged.
    if _pattern.name != "openapi-json":
        _pattern.callback = views.logs_calls(_pattern.callback)

urlpatterns = [
    path("v1/docs/", views.docs, name="docs"),
    path("v1/", (_patterns, _app_name, _namespace)),
    re_path(r"^(?P<rest>.*)$", views.not_found, name="not_found"),
]
