"""Tests for the GIFT importer (pure parsing, no database)."""

import dataclasses
from decimal import Decimal

import pytest

from courses.importers.gift import GiftError, GiftImportError, parse_gift, read_gift
from courses.importers.parsed_questions import ParsedOption, ParsedQuestion
from courses.markdown import render_markdown

SUPPORTED = "(Docere grades single-answer, multiple-answer and true/false questions)"


def gift(*lines: str) -> str:
    """Build a GIFT text from lines, so line numbers in assertions are easy to count."""
    return "\n".join(lines) + "\n"


def only(text: str) -> ParsedQuestion:
    questions = parse_gift(text)
    assert len(questions) == 1
    return questions[0]


def errors_of(text: str) -> list[GiftError]:
    with pytest.raises(GiftImportError) as excinfo:
        parse_gift(text)
    return excinfo.value.errors


def shown(markdown: str) -> str:
    """What a learner's page shows for a stored stem, feedback or explanation: its rendered
    HTML, without the paragraph and the sanitizer's leftovers around it."""
    html = str(render_markdown(markdown)).strip()
    return html.removeprefix("<p>").removesuffix("</p>").strip()


def warnings_of(text: str) -> list[GiftError]:
    return list(read_gift(text).warnings)


def opt(text: str, weight, feedback: str = "") -> ParsedOption:
    return ParsedOption(text=text, weight_percent=Decimal(weight), feedback=feedback)


# --- A realistic file --------------------------------------------------------

REALISTIC = r"""// Cardiology post-test, exported from Moodle and edited by hand.
// question: 0  name: Switch category to $course$/top/Cardiology
$CATEGORY: $course$/top/Cardiology

// question: 101  name: First-line therapy
::First-line therapy::[markdown]A 58-year-old with **stage 1 hypertension**
and no comorbidities asks about treatment.
Which drug class is first-line?
{
    =Thiazide diuretic#Correct\: guidelines list thiazides first.
    ~Beta blocker#Not first-line without a compelling indication.
    ~Alpha blocker
    ####Thiazides reduce cardiovascular events in large trials.
}

::Aspirin TF::Daily aspirin is recommended for all adults over 60 for primary prevention.
{F#Incorrect\: bleeding risk outweighs benefit.#Right\: it is no longer routine.}

$CATEGORY: $course$/top/Cardiology/Lipids
::Statin effects::[html]Which are <em>known</em> statin adverse effects?{
    ~%50%Myalgia
    ~%50%Raised transaminases#Usually mild.
    ~%-100%Hypokalaemia#No\; that is a diuretic effect.
}

::Dose::[plain]Atorvastatin's usual starting dose is {~5 mg ~%0%1 g =10-20 mg} per day.

// The last question needs three correct answers, so 33.33333% each.
Which are modifiable risk factors? {
~%33.33333%Smoking
~%33.33333%LDL \= 4.9 mmol/L
~%33.33333%Hypertension\nSystolic \> 140
~%-100%Age
}
"""


def test_realistic_file_mixing_all_supported_types():
    questions = parse_gift(REALISTIC)

    assert [q.line for q in questions] == [6, 16, 20, 26, 29]
    assert [q.type for q in questions] == ["single", "true_false", "multiple", "single", "multiple"]
    assert [q.title for q in questions] == ["First-line therapy", "Aspirin TF", "Statin effects", "Dose", ""]
    assert [q.category for q in questions] == [
        "$course$/top/Cardiology",
        "$course$/top/Cardiology",
        "$course$/top/Cardiology/Lipids",
        "$course$/top/Cardiology/Lipids",
        "$course$/top/Cardiology/Lipids",
    ]

    first = questions[0]
    assert first.stem == (
        "A 58-year-old with **stage 1 hypertension**\nand no comorbidities asks about treatment.\n"
        "Which drug class is first-line?"
    )
    assert first.explanation == "Thiazides reduce cardiovascular events in large trials."
    assert first.options == (
        opt("Thiazide diuretic", 100, "Correct: guidelines list thiazides first."),
        opt("Beta blocker", 0, "Not first-line without a compelling indication."),
        opt("Alpha blocker", 0),
    )

    tf = questions[1]
    assert tf.stem == "Daily aspirin is recommended for all adults over 60 for primary prevention."
    assert tf.explanation == ""
    assert tf.options == (
        opt("True", 0, "Incorrect: bleeding risk outweighs benefit."),
        opt("False", 100, "Right: it is no longer routine."),
    )

    statins = questions[2]
    assert shown(statins.stem) == "Which are <em>known</em> statin adverse effects?"
    # "\;" is not a GIFT escape, so it is kept and shown, as Moodle shows it in HTML.
    assert [(o.text, o.weight_percent, shown(o.feedback)) for o in statins.options] == [
        ("Myalgia", 50, ""),
        ("Raised transaminases", 50, "Usually mild."),
        ("Hypokalaemia", -100, "No\\; that is a diuretic effect."),
    ]

    dose = questions[3]
    assert dose.stem == "Atorvastatin's usual starting dose is _____ per day."
    assert dose.options == (opt("5 mg", 0), opt("1 g", 0), opt("10-20 mg", 100))

    risks = questions[4]
    assert risks.stem == "Which are modifiable risk factors?"
    assert risks.options == (
        opt("Smoking", "33.33333"),
        opt("LDL = 4.9 mmol/L", "33.33333"),
        opt("Hypertension Systolic \\> 140", "33.33333"),
        opt("Age", -100),
    )
    assert all(isinstance(o.weight_percent, Decimal) for q in questions for o in q.options)


# --- Supported questions -----------------------------------------------------


def test_single_answer():
    question = only("Who is buried in Grant's tomb? {~Grant ~Jefferson =no one}\n")
    assert question == ParsedQuestion(
        line=1,
        title="",
        category="",
        type="single",
        stem="Who is buried in Grant's tomb?",
        explanation="",
        options=(opt("Grant", 0), opt("Jefferson", 0), opt("no one", 100)),
    )


def test_questions_are_separated_by_one_or_more_blank_lines():
    text = gift("Q1 {=a ~b}", "", "", "   ", "Q2 {=c ~d}", "", "Q3 {T}")
    questions = parse_gift(text)
    assert [(q.line, q.stem) for q in questions] == [(1, "Q1"), (5, "Q2"), (7, "Q3")]


def test_multi_line_stem_and_answer_block_with_feedback_and_general_feedback():
    text = gift(
        "::Spectrum::",
        "What lies between orange",
        "and green in the spectrum?",
        "{",
        "  =yellow # right; good!",
        "  ~red    # wrong, it's yellow",
        "  ~blue",
        "  ####Remember ROYGBIV.",
        "}",
    )
    question = only(text)
    assert question.line == 1
    assert question.title == "Spectrum"
    # Moodle's default format keeps the author's line breaks.
    assert shown(question.stem) == "What lies between orange<br>\nand green in the spectrum?"
    assert question.explanation == "Remember ROYGBIV."
    assert question.options == (
        opt("yellow", 100, "right; good!"),
        opt("red", 0, "wrong, it's yellow"),
        opt("blue", 0),
    )


def test_multiple_answers_with_weights():
    question = only(
        "What two people are entombed in Grant's tomb? {~%-100%No one ~%50%Grant "
        "~%50%Grant's wife#Julia ~%-100%Grant's father}"
    )
    assert question.type == "multiple"
    assert question.options == (
        opt("No one", -100),
        opt("Grant", 50),
        opt("Grant's wife", 50, "Julia"),
        opt("Grant's father", -100),
    )


def test_multiple_answers_accept_decimal_weights_that_round_to_100():
    question = only("Pick three {~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-50%d ~e}")
    assert question.type == "multiple"
    assert [o.weight_percent for o in question.options] == [
        Decimal("33.33333"),
        Decimal("33.33333"),
        Decimal("33.33333"),
        Decimal("-50"),
        Decimal("0"),
    ]


def test_full_credit_equals_with_explicit_100_percent_is_accepted():
    question = only("Q {=%100%right ~%0%wrong ~other}")
    assert question.type == "single"
    assert question.options == (opt("right", 100), opt("wrong", 0), opt("other", 0))


@pytest.mark.parametrize(
    ("block", "answer_is_true"),
    [
        ("T", True),
        ("TRUE", True),
        ("true", True),
        ("t", True),
        (" True ", True),
        ("F", False),
        ("FALSE", False),
        ("false", False),
        ("f", False),
    ],
)
def test_true_false_forms(block, answer_is_true):
    question = only(f"The sun is a star. {{{block}}}")
    assert question.type == "true_false"
    assert question.stem == "The sun is a star."
    assert question.options == (
        opt("True", 100 if answer_is_true else 0),
        opt("False", 0 if answer_is_true else 100),
    )


def test_true_false_feedback_first_is_for_wrong_answer_second_for_right_answer():
    true_answer = only("Grant is buried in Grant's tomb. {T#You chose False: wrong.#You chose True: right.}")
    assert true_answer.options == (
        opt("True", 100, "You chose True: right."),
        opt("False", 0, "You chose False: wrong."),
    )
    false_answer = only("The sun orbits the earth. {FALSE#You chose True: wrong.#You chose False: right.}")
    assert false_answer.options == (
        opt("True", 0, "You chose True: wrong."),
        opt("False", 100, "You chose False: right."),
    )


def test_true_false_with_only_wrong_answer_feedback_and_general_feedback():
    question = only("Water boils at 50 C at sea level. {F#It boils at 100 C.####Pressure matters.}")
    assert question.explanation == "Pressure matters."
    assert question.options == (opt("True", 0, "It boils at 100 C."), opt("False", 100))


def test_true_false_with_only_right_answer_feedback_as_moodle_exports_it():
    question = only("Q {TRUE##Well done.}")
    assert question.options == (opt("True", 100, "Well done."), opt("False", 0))


def test_missing_word_block_in_the_middle_of_the_stem():
    question = only("Moodle costs {~lots of money =nothing ~a small amount} to download.")
    assert question.stem == "Moodle costs _____ to download."
    assert question.options == (opt("lots of money", 0), opt("nothing", 100), opt("a small amount", 0))


def test_answer_block_at_the_start_of_the_stem():
    question = only("{=Paris ~Lyon} is the capital of France.")
    assert question.stem == "_____ is the capital of France."


def test_text_after_the_closing_brace_is_kept_in_the_stem():
    text = gift("Grant is {~buried =entombed ~living}", "in Grant's tomb,", "in New York City.")
    assert shown(only(text).stem) == "Grant is _____<br>\nin Grant's tomb,<br>\nin New York City."


def test_comments_are_ignored_anywhere_but_do_not_count_as_the_start_line():
    text = gift(
        "// A comment before the first question",
        "  // an indented comment",
        "Capital of France?",
        "// a comment inside the stem",
        "See https://example.org/a//b for a map.",
        "{",
        "  =Paris",
        "  // a comment inside the answer block",
        "  ~Lyon",
        "}",
    )
    question = only(text)
    assert question.line == 3
    assert shown(question.stem) == "Capital of France?<br>\nSee https://example.org/a//b for a map."
    assert question.options == (opt("Paris", 100), opt("Lyon", 0))


def test_escaped_slash_lets_a_line_of_text_start_with_two_slashes():
    question = only(gift("Which comment style is C++?", "\\// like this {=yes ~no}"))
    assert shown(question.stem) == "Which comment style is C++?<br>\n// like this"


def test_title_is_taken_from_double_colons_and_may_contain_escaped_colons():
    question = only("::Ratio 1\\:2::  What is half of 4? {=2 ~3}")
    assert question.title == "Ratio 1:2"
    assert question.stem == "What is half of 4?"


def test_title_alone_on_its_own_line():
    question = only(gift("::Capitals::", "Capital of Peru? {=Lima ~Cusco}"))
    assert (question.title, question.stem, question.line) == ("Capitals", "Capital of Peru?", 1)


def test_category_applies_to_following_questions_until_the_next_one():
    text = gift(
        "Q1 {T}",
        "",
        "$CATEGORY: Cardiology/Heart failure",
        "",
        "Q2 {T}",
        "",
        "Q3 {F}",
        "",
        "$CATEGORY: Renal",
        "Q4 {T}",
    )
    questions = parse_gift(text)
    assert [(q.stem, q.category, q.line) for q in questions] == [
        ("Q1", "", 1),
        ("Q2", "Cardiology/Heart failure", 5),
        ("Q3", "Cardiology/Heart failure", 7),
        ("Q4", "Renal", 10),
    ]


def test_per_answer_feedback_and_general_feedback():
    question = only("2 + 2? {=4#Yes.  ~5#Off by one. ~22#That is concatenation.####Arithmetic basics.}")
    assert question.explanation == "Arithmetic basics."
    assert question.options == (
        opt("4", 100, "Yes."),
        opt("5", 0, "Off by one."),
        opt("22", 0, "That is concatenation."),
    )


def test_escaped_characters_are_literal():
    question = only(
        "Which is a set \\{1\\}\\: in math\\#? {=\\{1\\} \\= \\{1\\}#Right \\~ \\#1 ~x \\~ y\\ny ~back\\\\slash}"
    )
    assert shown(question.stem) == "Which is a set {1}: in math#?"
    assert [(o.text, shown(o.feedback)) for o in question.options] == [
        ("{1} = {1}", "Right ~ #1"),
        ("x ~ y y", ""),  # an option is one line of plain text
        ("back\\slash", ""),  # "\\" is one backslash
    ]


def test_escaped_backslash_does_not_escape_the_next_character():
    question = only("Path C:\\\\{=yes ~no}")
    assert question.stem == "Path C:\\\\"
    assert question.type == "single"


# --- Formats -----------------------------------------------------------------


def test_markdown_format_is_kept_as_markdown():
    assert only("[markdown]Is **this** bold? {T}").stem == "Is **this** bold?"


def test_moodle_format_and_unmarked_text_show_what_was_typed_with_its_line_breaks():
    # Moodle's auto-format (GIFT's default) is not Markdown: asterisks and underscores are
    # characters, a line break is a line break, and HTML is allowed.
    assert shown(only("::T::[moodle]Is *this* a_b? {T}").stem) == "Is *this* a_b?"
    assert (
        shown(only(gift("No prefix: *stars*", "# not a heading {T}")).stem) == "No prefix: *stars*<br>\n# not a heading"
    )
    assert shown(only("Tom &amp; Jerry use <b>bold</b>? {T}").stem) == "Tom &amp; Jerry use <b>bold</b>?"


def test_html_format_is_sanitised_and_shown_as_html():
    question = only(
        "::H::[html]<p>Which tag is <b>bold</b>?</p><script>alert(1)</script>"
        '{=<b>b</b> ~<i>i</i>#<em>No</em> 2*3*4 <a href\\="javascript:x()">link</a>}'
    )
    assert shown(question.stem) == "Which tag is <b>bold</b>?"
    assert "script" not in question.stem
    # Markdown does not reinterpret HTML: 2*3*4 keeps its asterisks; the sanitizer drops the script URL.
    assert shown(question.options[1].feedback) == '<em>No</em> 2*3*4 <a rel="noopener noreferrer">link</a>'


def test_html_and_markdown_options_become_the_plain_text_docere_shows():
    question = only("[html]Pick {=<b>b</b> &amp; c ~<i>i</i>}")
    assert [o.text for o in question.options] == ["b & c", "i"]
    assert [o.text for o in only("Pick {=[markdown]**bold** ~[markdown]a\\_b}").options] == ["bold", "a_b"]


def test_plain_format_escapes_markdown_so_it_renders_literally():
    question = only(gift("[plain]# not a heading, *not emphasis*, <b>not html</b>", "1. not a list {T}"))
    assert question.stem == ("\\# not a heading, \\*not emphasis\\*, \\<b\\>not html\\</b\\>\\\n1\\. not a list")
    assert shown(question.stem) == "# not a heading, *not emphasis*, &lt;b&gt;not html&lt;/b&gt;<br>\n1. not a list"


def test_plain_format_is_inherited_by_options_feedback_and_explanation():
    question = only("[plain]Pick one {=a_b#x*y ~c[d]####e<f>}")
    assert question.options == (opt("a_b", 100, "x\\*y"), opt("c[d]", 0))
    assert question.explanation == "e\\<f\\>"


def test_plain_missing_word_blank_is_not_escaped():
    assert only("[plain]a_b {=x ~y} c").stem == "a\\_b _____ c"


def test_an_option_may_name_its_own_format():
    question = only("[plain]Pick *one* {=[markdown]**bold** ~[plain]**literal**}")
    assert question.stem == "Pick \\*one\\*"
    assert question.options == (opt("bold", 100), opt("**literal**", 0))


def test_bracketed_words_that_are_not_one_word_are_text():
    assert shown(only("[see figure] Which? {=a ~b}").stem) == "[see figure] Which?"


@pytest.mark.parametrize("where", ["stem", "option", "feedback", "general feedback"])
def test_an_unknown_format_is_an_error_with_its_line(where):
    pieces = {
        "stem": "[latex]x^2? {=a ~b}",
        "option": "x? {=[latex]a ~b}",
        "feedback": "x? {=a#[latex]b ~b}",
        "general feedback": "x? {=a ~b ####[latex]c}",
    }
    errors = errors_of(gift("Q1 {T}", "", pieces[where]))
    assert errors == [
        GiftError(
            3,
            "[latex] is not a GIFT text format: use [moodle], [html], [markdown] or "
            '[plain]; to show "[latex]" itself, put a format before it, e.g. '
            "[moodle][latex]",
        )
    ]


def test_a_bracketed_word_after_a_format_is_text():
    assert shown(only("[moodle][latex] is a typesetting system? {T}").stem) == "[latex] is a typesetting system?"


def test_an_unknown_format_is_reported_with_the_files_other_errors():
    errors = errors_of(gift("[tex]Q1 {T}", "", "Q2 {#5}", "", "Q3 {T}", "", "Q4 {=a =b ~c}"))
    assert [error.line for error in errors] == [1, 3, 7]


# --- Warnings: what Docere leaves out ------------------------------------------


def test_categories_and_moodle_tags_are_warnings_and_the_questions_still_import():
    text = gift(
        "$CATEGORY: $course$/top/Cardiology",  # 1
        "",
        "// [id:CARD-1] [tag:heart]",  # 3
        "::Beta::Beta blockers slow the heart. {T}",
        "",
        "$CATEGORY: $course$/top/Renal",  # 6
        "Q2 {F}",
    )
    result = read_gift(text)
    assert [q.title for q in result.questions] == ["Beta", ""]
    assert result.warnings == (
        GiftError(
            1,
            "$CATEGORY $course$/top/Cardiology is ignored: Docere has no question categories, so "
            "every question goes into this course's post-test bank",
        ),
        GiftError(3, "the ID number and tags in this comment are ignored: Docere questions have neither"),
        GiftError(
            6,
            "$CATEGORY $course$/top/Renal is ignored: Docere has no question categories, so "
            "every question goes into this course's post-test bank",
        ),
    )


def test_removed_html_and_option_formatting_are_warnings_on_the_questions_line():
    warnings = warnings_of(gift("Q1 {T}", "", '[html]See <img src\\="x.png"> <b>this</b> {=<b>a</b> ~c}'))
    assert warnings == [
        GiftError(
            3,
            "HTML that Docere does not show was removed: <img> (only basic formatting, lists, "
            "tables and links are kept)",
        ),
        GiftError(3, "answer 1 loses its formatting (<b>): Docere shows answer options as plain text"),
    ]


def test_a_file_without_anything_to_ignore_has_no_warnings():
    assert warnings_of(gift("::T::[html]<p>Q</p> {=a ~b}", "", "[markdown]**Q** {T}")) == []


def test_an_overlong_title_is_shortened_with_a_warning():
    question = only("::" + "x" * 300 + ":: Q {T}")
    assert question.title == "x" * 255
    assert warnings_of("::" + "x" * 300 + ":: Q {T}") == [
        GiftError(1, "the title is 300 characters long; only its first 255 are kept")
    ]


def test_an_error_still_reports_the_warnings_separately():
    with pytest.raises(GiftImportError) as excinfo:
        parse_gift(gift("$CATEGORY: A", "", "Q {#1}"))
    assert [e.line for e in excinfo.value.errors] == [3]
    assert [w.line for w in excinfo.value.warnings] == [1]


# --- Input details -------------------------------------------------------------


def test_windows_line_endings_and_byte_order_mark():
    text = "\ufeff// comment\r\n\r\n::A::\r\nQ1\r\n{=a\r\n~b}\r\n\r\nQ2 {T}\r\n"
    questions = parse_gift(text)
    assert [(q.line, q.title, q.stem) for q in questions] == [(3, "A", "Q1"), (8, "", "Q2")]


def test_parsed_values_are_frozen_dataclasses():
    question = only("Q {T}")
    with pytest.raises(dataclasses.FrozenInstanceError):
        question.stem = "changed"
    with pytest.raises(dataclasses.FrozenInstanceError):
        question.options[0].text = "changed"
    assert isinstance(question.options, tuple)


# --- Refusals: unsupported question types --------------------------------------


@pytest.mark.parametrize(
    ("block", "kind"),
    [
        ("{=no one =nobody}", "short-answer"),
        ("{=no one}", "short-answer"),
        ("{=%50%no one#close}", "short-answer"),
        ("{#1822:5}", "numerical"),
        ("{#\n=1822:0\n=%50%1822:2}", "numerical"),
        ("{=Canada -> Ottawa =Italy -> Rome}", "matching"),
        ("{}", "essay"),
        ("{####Grading notes only}", "essay"),
    ],
)
def test_unsupported_question_types_are_named(block, kind):
    errors = errors_of(gift("", "// comment", f"Who is buried in Grant's tomb? {block}"))
    assert len(errors) == 1
    assert errors[0].line == 3
    assert errors[0].message.startswith(f"{kind} questions are not supported {SUPPORTED}")


def test_numerical_error_message_in_full():
    errors = errors_of(gift(*[""] * 13, "When was Grant born? {#1822}"))
    assert str(GiftImportError(errors)) == f"line 14: numerical questions are not supported {SUPPORTED}"


def test_description_without_answer_block_is_refused():
    errors = errors_of(gift("Q1 {T}", "", "::Intro::", "In this exam you may not use notes."))
    assert errors == [
        GiftError(
            3,
            "this item has no answer block in { }, so it is a description; "
            f"descriptions are not supported {SUPPORTED}",
        )
    ]


def test_unrecognised_answer_block():
    [error] = errors_of("Q {yes}")
    assert error.line == 1
    assert "start every answer with = (correct) or ~ (incorrect)" in error.message


# --- Refusals: malformed questions ---------------------------------------------


def test_missing_closing_brace():
    [error] = errors_of(gift("Q1 {T}", "", "Q2 {", "=a", "~b"))
    assert error.line == 3
    assert error.message.startswith("the answer block is never closed: add the missing }")


def test_blank_line_inside_answer_block_is_reported_on_both_halves():
    errors = errors_of(gift("Q {", "=a", "", "~b", "}"))
    assert [e.line for e in errors] == [1, 4]
    assert "never closed" in errors[0].message
    assert "there is a } with no answer block opened by {" in errors[1].message


@pytest.mark.parametrize(
    "text",
    ["Q {=a {~b}", "Q {=a ~b}}", "Q } {=a ~b}", "Q {=a ~b} and {=c ~d}"],
)
def test_unbalanced_braces(text):
    [error] = errors_of(text)
    assert error.line == 1
    assert error.message.startswith("the braces are unbalanced")
    assert "escaped as \\{ and \\}" in error.message


def test_a_comment_line_does_not_separate_two_questions():
    [error] = errors_of(gift("Q1 {T}", "// forgot the blank line", "Q2 {F}"))
    assert error.line == 1
    assert "the braces are unbalanced (2 { and 2 })" in error.message
    assert "separated by a blank line" in error.message


def test_unclosed_title():
    [error] = errors_of("::Title Q {=a ~b}")
    assert error == GiftError(
        1, "the title starts with :: but is never closed with ::; close it, or escape a literal colon as \\:"
    )


def test_question_without_text():
    [error] = errors_of("::Only a title:: {=a ~b}")
    assert error.message == "the question has no text; write the question before its answer block"


def test_empty_answer():
    errors = errors_of("Q {=a ~ ~#feedback only}")
    assert [(e.line, e.message.split(";")[0]) for e in errors] == [
        (1, "answer 2 is empty"),
        (1, "answer 3 is empty"),
    ]


def test_text_before_the_first_answer():
    [error] = errors_of("Q {oops =a ~b}")
    assert (
        error.message == 'the answer block starts with text that is not an answer ("oops"); '
        "start every answer with = or ~"
    )


def test_single_answer_without_a_correct_answer():
    [error] = errors_of("Q {~a ~b ~c}")
    assert error.message.startswith("the question has no correct answer; mark the correct answer with =")


def test_several_equals_answers_point_to_weights():
    [error] = errors_of("Q {=a =b ~c}")
    assert error.line == 1
    assert error.message.startswith("2 answers are marked correct with =, but a single-answer question has exactly one")
    assert "~%weight%" in error.message


def test_partial_credit_on_single_answer_question():
    errors = errors_of("Q {=%50%half ~wrong =%100%full}")
    assert [e.message for e in errors] == [
        "2 answers are marked correct with =, but a single-answer question has exactly one; for a "
        "multiple-answer question give every answer a ~%weight% instead, e.g. ~%50% (a literal = or ~ "
        "inside text must be escaped as \\= or \\~)",
        "answer 1 gives 50% credit, but partial credit on a single-answer question is not supported; "
        "use ~%n% weights for a multiple-answer question",
    ]


def test_weighted_wrong_answer_on_single_answer_question_is_partial_credit():
    [error] = errors_of("Q {=right ~%25%almost ~wrong}")
    assert error.message.startswith("answer 2 gives 25% credit, but partial credit on a single-answer question")


def test_multiple_answer_weights_must_sum_to_100():
    [error] = errors_of("Q {~%50%a ~%40%b ~%-100%c}")
    assert error.message.startswith("the positive weights add up to 90%, but they must add up to 100%")


def test_multiple_answer_rounding_beyond_tolerance_is_refused():
    [error] = errors_of("Q {~%33.3%a ~%33.3%b ~%33.3%c}")
    assert "add up to 99.9%" in error.message


def test_weight_out_of_range_and_malformed_weight():
    errors = errors_of("Q {~%150%a ~%-50%b ~%abc%c}")
    assert [e.message.split(";")[0] for e in errors] == [
        "answer 3 has the weight %abc%, which is not a number",
        "answer 1 has the weight 150%",
        "the positive weights add up to 150%, but they must add up to 100% (for example ~%50% on each of two "
        "correct answers)",
    ]


def test_fewer_than_two_options():
    [error] = errors_of("Q {~%100%only}")
    assert error.message == "the question has only one option; a question needs at least two"


def test_fewer_than_two_options_with_equals():
    errors = errors_of("Q {=only ~}")
    assert [e.message.split(";")[0] for e in errors] == ["answer 2 is empty"]
    errors = errors_of("Q {~only}")
    assert [e.message.split(";")[0] for e in errors] == [
        "the question has only one option",
        "the question has no correct answer",
    ]


@pytest.mark.parametrize(
    "text",
    ["", "\n\n  \n", "// just a comment\n", "$CATEGORY: Empty\n\n// nothing here\n"],
)
def test_file_without_questions(text):
    assert errors_of(text) == [
        GiftError(1, "the file contains no questions; write at least one question such as: What is 2 + 2? {=4 ~3 ~5}")
    ]


# --- Error collection -----------------------------------------------------------


def test_every_error_in_the_file_is_reported_in_order():
    text = gift(
        "::Good:: Q1 {=a ~b}",  # 1
        "",
        "// numeric",  # 3
        "::Bad1:: Q2 {#42}",  # 4
        "",
        "Q3 {T}",  # 6
        "",
        "::Bad2::",  # 8
        "Q4 {~a ~b}",
    )
    with pytest.raises(GiftImportError) as excinfo:
        parse_gift(text)
    exc = excinfo.value
    assert [e.line for e in exc.errors] == [4, 8]
    assert exc.errors[0].message.startswith("numerical questions are not supported")
    assert exc.errors[1].message.startswith("the question has no correct answer")
    assert str(exc).splitlines() == [f"line {e.line}: {e.message}" for e in exc.errors]
    assert str(exc).startswith("line 4: numerical questions are not supported")


def test_gift_import_error_formats_one_line_per_error():
    exc = GiftImportError([GiftError(2, "first problem"), GiftError(9, "second problem")])
    assert exc.errors == [GiftError(2, "first problem"), GiftError(9, "second problem")]
    assert str(exc) == "line 2: first problem\nline 9: second problem"
