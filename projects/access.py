"""Who reaches a project: its participant, and the people who run its cohort (the cohort's
facilitators and program directors, directors after enrolling a second factor). Everyone
else gets a 404, as everywhere in the programs."""

from functools import wraps

from django.http import Http404, HttpRequest

from accounts.mfa import has_totp, mfa_enrolment_redirect
from programs.access import is_program_director
from projects import selectors
from projects.models import Project


def director_needs_second_factor(user) -> bool:
    return is_program_director(user) and not has_totp(user)


def own_project(request: HttpRequest, project_id: int) -> Project:
    """The signed-in participant's own project, or a 404."""
    try:
        return selectors.project_for_participant(user=request.user, project_id=project_id)
    except Project.DoesNotExist as error:
        raise Http404("No such project.") from error


def project_viewer(view):
    """Calls `view(request, project, runs_cohort, …)` for the participant or a cohort runner."""

    @wraps(view)
    def wrapper(request: HttpRequest, project_id: int, *args, **kwargs):
        try:
            project, runs_cohort = selectors.project_for_viewer(user=request.user, project_id=project_id)
        except Project.DoesNotExist as error:
            raise Http404("No such project.") from error
        if runs_cohort and director_needs_second_factor(request.user):
            return mfa_enrolment_redirect(request)
        return view(request, project, runs_cohort, *args, **kwargs)

    return wrapper
