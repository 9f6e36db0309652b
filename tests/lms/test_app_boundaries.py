"""Apps meet through front doors: services, selectors and public modules. No app imports
another app's admin, middleware, views, forms or tasks, which may change shape with their
pages. `lms` is the project itself: every app may use it, and its URLs wire the apps' views."""

import ast
from pathlib import Path

from django.conf import settings

APPS = ["accounts", "api", "badges", "certificates", "courses", "demo", "library", "lti", "reports"]
BACK_ROOMS = {"admin", "admin_views", "forms", "forms_admin", "middleware", "tasks", "urls", "views"}


def imported_names(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
    return names


def test_no_app_imports_another_apps_admin_middleware_views_forms_or_tasks():
    trespasses = []
    for app in APPS:
        for path in sorted((Path(settings.BASE_DIR) / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for name in imported_names(path):
                owner, _, rest = name.partition(".")
                if owner in APPS and owner != app and rest.split(".")[0] in BACK_ROOMS:
                    trespasses.append(f"{path.relative_to(settings.BASE_DIR)} imports {name}")
    assert trespasses == []


def test_the_demo_passwords_live_only_in_the_demo_app():
    holders = [
        str(path.relative_to(settings.BASE_DIR))
        for app in APPS
        for path in sorted((Path(settings.BASE_DIR) / app).rglob("*.py"))
        if "docere-learner-demo" in path.read_text()
    ]
    assert holders == ["demo/services.py"]
