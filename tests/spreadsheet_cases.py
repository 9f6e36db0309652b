"""Cell texts a spreadsheet would run as a formula, shared by every export's test: each
export must write every one of them behind the same leading apostrophe."""

FORMULA_TEXTS = ["=SUM(1+1)", "+1", "-1", "@x", "\t=1", "\r=1"]
