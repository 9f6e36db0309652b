"""For the navigation: `{% load mentoring_nav %}{% has_mentoring_pairings request.user as show %}`."""

from django import template

from mentoring.selectors import user_has_pairings

register = template.Library()


@register.simple_tag
def has_mentoring_pairings(user) -> bool:
    return user_has_pairings(user=user)
