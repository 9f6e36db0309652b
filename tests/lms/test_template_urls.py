"""`{% load cached_urls %}`: the same URLs as Django's own tags, under any script prefix."""

from django.template import engines
from django.templatetags.static import static
from django.urls import reverse, set_script_prefix


def _render(source: str) -> str:
    return engines["django"].from_string("{% load cached_urls %}" + source).render()


def test_url_is_what_reverse_gives_and_follows_the_script_prefix():
    source = "{% url 'courses:module' 'a-course' 3 %}|{% url 'courses:module' 'a-course' 4 %}"
    assert _render(source) == f"{reverse('courses:module', args=['a-course', 3])}|/courses/a-course/modules/4/"
    try:
        # A site mounted under a path: the remembered URLs must not leak across prefixes.
        set_script_prefix("/docere/")
        assert _render(source) == "/docere/courses/a-course/modules/3/|/docere/courses/a-course/modules/4/"
    finally:
        set_script_prefix("/")
    assert _render("{% url 'courses:module' 'a-course' 3 %}") == "/courses/a-course/modules/3/"


def test_url_can_be_stored_in_a_variable_and_is_escaped():
    assert _render("{% url 'courses:detail' 'x' as link %}[{{ link }}]") == "[/courses/x/]"


def test_static_is_what_the_static_tag_gives():
    assert _render("{% static 'css/docere.css' %}") == static("css/docere.css")
