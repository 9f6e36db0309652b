"""A person's way into their programs: the cohorts they are part of, and each cohort's home."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from programs.access import second_factor_for_directors
from programs.home_selectors import cohort_home, programs_of
from programs.models import Cohort


@require_GET
@login_required
@second_factor_for_directors
def my_programs(request: HttpRequest) -> HttpResponse:
    return render(request, "programs/my_programs.html", {"mine": programs_of(user=request.user)})


@require_GET
@second_factor_for_directors
def cohort_page(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=cohort_id)
    home = cohort_home(cohort=cohort, user=request.user)
    if home is None:
        raise Http404("No such cohort.")
    return render(request, "programs/cohort_home.html", {"home": home, "cohort": cohort})
