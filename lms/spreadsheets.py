"""The one rule every exported cell follows, whatever the file: CSV, .xlsx or tab-delimited text.

A spreadsheet runs a cell that starts with "=", "+", "-" or "@" as a formula (CSV or
formula injection); a leading tab or carriage return hides such a start from some
sanitisers, so those are disarmed too. A leading apostrophe makes the spreadsheet show the
cell as text. Only text is guarded: numbers written as numbers (a negative credit
adjustment, a count) stay numbers, so writers pass them through untouched.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_guard(text: str) -> str:
    """The text as a spreadsheet must receive it: prefixed with an apostrophe if it could run."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
