"""The machinery of the course-file checks: the Checker that walks a loaded document beside
its YAML nodes and collects every problem with its line, and the checks of single values
(text, slugs, numbers, dates, credits, weights, lists) that the sections are built from."""

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from difflib import get_close_matches
from typing import Any

import yaml
from django.core.validators import slug_re

from courses.credits import CREDIT_STEP, is_on_credit_step

MAX_INTEGER = 2_147_483_647  # the largest value a PositiveIntegerField column holds


@dataclass(frozen=True)
class ImportProblem:
    line: int | None
    message: str


class CourseImportError(Exception):
    def __init__(self, problems: list[ImportProblem]):
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(f"line {p.line}: {p.message}" if p.line else p.message for p in self.problems)


# --- Reading ------------------------------------------------------------------------------
Path = tuple[str | int, ...]
Check = Callable[["Checker", Any, Path], Any]
REQUIRED = object()


def where(path: Path) -> str:
    """("modules", 1, "title") -> "modules[2].title": authors count from 1."""
    text = ""
    for step in path:
        text += f"[{step + 1}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


def _kind(value: Any) -> str:
    if value is None:
        return "empty (null)"
    for types, name in (
        (bool, "true/false"),
        ((int, float), "a number"),
        (date, "a date"),
        (str, "text"),
        (list, "a list"),
        (dict, "a mapping"),
    ):
        if isinstance(value, types):
            return name
    return type(value).__name__


class Checker:
    """Walks the loaded document beside its node tree, collecting problems with their lines."""

    def __init__(self, root: yaml.Node):
        self.root = root
        self.problems: list[ImportProblem] = []

    def line(self, path: Path) -> int:
        node, line = self.root, self.root.start_mark.line + 1
        for step in path:
            if isinstance(node, yaml.MappingNode):
                pairs = [(key, value) for key, value in node.value if key.value == str(step)]
                if not pairs:
                    break
                key, node = pairs[-1]  # the loader keeps the last of duplicate keys too
                line = key.start_mark.line + 1
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
                node = node.value[step]
                line = node.start_mark.line + 1
            else:
                break
        return line

    def problem(self, path: Path, message: str) -> None:
        self.problems.append(ImportProblem(self.line(path), f"{where(path) or 'the file'}: {message}"))

    def mapping(self, value: Any, path: Path, keys: dict[str, tuple[Check, Any]]) -> dict | None:
        if not isinstance(value, dict):
            self.problem(path, f"must be a mapping with the keys {', '.join(keys)}, not {_kind(value)}")
            return None
        for key in value:
            if key not in keys:
                close = get_close_matches(str(key), keys, n=1)
                hint = f"did you mean {close[0]}?" if close else f"the keys here are {', '.join(keys)}"
                self.problem((*path, str(key)), f"unknown key; {hint}")
        clean = {}
        for name, (check, default) in keys.items():
            if name in value:
                clean[name] = check(self, value[name], (*path, name))
            elif default is REQUIRED:
                self.problem(path, f"the required key '{name}' is missing")
                clean[name] = None
            else:
                clean[name] = copy.copy(default)  # a default [] must not be shared between imports
        return clean


def _scalar_problem(c: Checker, path: Path, wanted: str, value: Any) -> None:
    hint = " (put it in quotes)" if wanted == "text" and isinstance(value, (bool, int, float, date)) else ""
    c.problem(path, f"must be {wanted}, not {_kind(value)}{hint}")


def check_text(*, max_length: int = 0, blank: bool = False, nullable: bool = False) -> Check:
    def check(c: Checker, value: Any, path: Path) -> str:
        if value is None and nullable:
            return ""
        if not isinstance(value, str):
            _scalar_problem(c, path, "text", value)
            return ""
        if not blank and not value.strip():
            c.problem(path, "must not be empty")
        elif max_length and len(value) > max_length:
            c.problem(path, f"is {len(value)} characters long; at most {max_length} fit")
        return value

    return check


def check_slug(*, max_length: int, nullable: bool = False) -> Check:
    def check(c: Checker, value: Any, path: Path) -> str:
        text = check_text(max_length=max_length, nullable=nullable)(c, value, path)
        if text and not slug_re.match(text):
            c.problem(path, f"'{text}' may use only letters, digits, hyphens and underscores")
        return text

    return check


def check_integer(*, minimum: int, maximum: int = MAX_INTEGER, nullable: bool = False) -> Check:
    def check(c: Checker, value: Any, path: Path) -> int | None:
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            _scalar_problem(c, path, "a whole number" + (" or null" if nullable else ""), value)
            return None
        if not minimum <= value <= maximum:
            c.problem(path, f"is {value}; it must be between {minimum} and {maximum}")
        return value

    return check


def check_boolean(c: Checker, value: Any, path: Path) -> bool:
    if not isinstance(value, bool):
        _scalar_problem(c, path, "true or false", value)
        return False
    return value


def check_choice(choices: type) -> Check:
    def check(c: Checker, value: Any, path: Path) -> str | None:
        if value not in choices.values:
            c.problem(path, f"'{value}' is not one of: {' | '.join(choices.values)}")
            return None
        return value

    return check


def check_date(c: Checker, value: Any, path: Path) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    c.problem(path, f"must be a date written as YYYY-MM-DD, not {_kind(value)}")
    return None


def _decimal(c: Checker, value: Any, path: Path, example: str) -> Decimal | None:
    try:
        number = None if isinstance(value, bool) else Decimal(str(value))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        c.problem(path, f"must be a number such as {example}, not {_kind(value)}")
        return None
    return number


def check_credits(c: Checker, value: Any, path: Path) -> Decimal | None:
    credits = _decimal(c, value, path, '"1.75"')
    if credits is not None and not (0 < credits <= 100 and is_on_credit_step(credits)):
        c.problem(path, f'is {credits}; credits are more than 0, at most 100, in steps of {CREDIT_STEP} (e.g. "1.75")')
    return credits


def check_weight(c: Checker, value: Any, path: Path) -> Decimal | None:
    weight = _decimal(c, value, path, "50 or -33.33")
    if weight is not None and not (-100 <= weight <= 100 and weight.as_tuple().exponent >= -2):
        c.problem(path, f"is {weight}; a weight is a percent from -100 to 100 with at most two decimals")
    return weight


def check_list(item: Check, *, min_items: int = 0, nullable: bool = False, too_few: str = "") -> Check:
    def check(c: Checker, value: Any, path: Path) -> list | None:
        if value is None and nullable:
            return None
        if not isinstance(value, list):
            c.problem(path, f"must be a list (lines starting with '- '), not {_kind(value)}")
            return []
        if len(value) < min_items:
            c.problem(path, too_few or f"needs at least {min_items} entr{'y' if min_items == 1 else 'ies'}")
        return [item(c, entry, (*path, index)) for index, entry in enumerate(value)]

    return check


def model_default(model: type, field: str) -> Any:
    return model._meta.get_field(field).default
