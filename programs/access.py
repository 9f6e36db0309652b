"""Who may see what in a program. Everyone without the role gets a 404, not a 403: the
pages of a cohort someone is not part of do not exist for them.

- Program directors (staff in the "Program directors" group, and superusers) see everything,
  after enrolling a second factor like every staff member.
- Facilitators see the cohorts they facilitate: roster, sessions, attendance, projects.
- Participants see their own cohort's curriculum and their own records.
- Mentors see the participants they are paired with (mentoring app)."""

from functools import wraps

from django.http import Http404

from accounts.mfa import has_totp, mfa_enrolment_redirect
from programs.models import PROGRAM_DIRECTORS_GROUP, Cohort, Participant, ParticipantStatus


def is_program_director(user) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    return user.is_staff and user.groups.filter(name=PROGRAM_DIRECTORS_GROUP).exists()


def can_run_cohort(user, cohort: Cohort) -> bool:
    """Directors, and the cohort's own facilitators."""
    if is_program_director(user):
        return True
    return user.is_authenticated and cohort.facilitators.filter(pk=user.pk).exists()


def current_participation(user, cohort: Cohort) -> Participant | None:
    if not user.is_authenticated:
        return None
    return (
        Participant.objects.filter(cohort=cohort, user=user)
        .exclude(status=ParticipantStatus.WITHDRAWN)
        .select_related("cohort__program", "institution")
        .first()
    )


def director_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_program_director(request.user):
            raise Http404("No such page.")
        # Directors see applications, letters and self-identification: a second factor first.
        if not has_totp(request.user):
            return mfa_enrolment_redirect(request)
        return view(request, *args, **kwargs)

    return wrapper


def second_factor_for_directors(view):
    """Pages any role may open: a program director among them enrols a second factor first,
    as on every director page, before seeing or changing what a cohort holds."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if is_program_director(request.user) and not has_totp(request.user):
            return mfa_enrolment_redirect(request)
        return view(request, *args, **kwargs)

    return wrapper
