"""Text PostgreSQL cannot hold: NUL (U+0000). A query carrying it raises instead of finding
nothing, so it is refused at the edge — by the middleware for addresses, queries and cookies,
by form fields (Django's CharField refuses it), and here for text read without a form."""

from django.http import QueryDict

NUL = "\x00"


def has_nul(text: str) -> bool:
    return NUL in text


def params_have_nul(params: QueryDict) -> bool:
    return any(has_nul(name) or any(has_nul(value) for value in values) for name, values in params.lists())
