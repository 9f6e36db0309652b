"""The public program pages and the applicant's own: apply, see where an application
stands, take up or turn down an offered place, withdraw."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from programs import selectors, services, waitlist_services
from programs.forms import ApplicationForm, OfferResponseForm
from programs.models import Application, Cohort


@require_GET
def program_list(request: HttpRequest) -> HttpResponse:
    return render(request, "programs/list.html", {"programs": selectors.published_programs(), "now": timezone.now()})


@require_GET
def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    program = selectors.published_program(slug=slug)
    if program is None:
        raise Http404("No such program.")
    application = None
    if request.user.is_authenticated and program.cohort is not None:
        waitlist_services.offers_expire(cohort_id=program.cohort.pk, applicant_id=request.user.pk)
        application = Application.objects.filter(cohort=program.cohort, applicant=request.user).first()
    return render(
        request, "programs/detail.html", {"program": program, "application": application, "now": timezone.now()}
    )


def _open_cohort(slug: str, year: int) -> Cohort:
    return get_object_or_404(
        Cohort.objects.select_related("program"), program__slug=slug, program__is_published=True, year=year
    )


@login_required
def apply(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    cohort = _open_cohort(slug, year)
    existing = Application.objects.filter(cohort=cohort, applicant=request.user).first()
    if existing is not None:
        messages.info(request, f"You have already applied to {cohort}; this is where your application stands.")
        return redirect("programs:my_applications")
    if not cohort.accepts_applications():
        return render(request, "programs/apply_closed.html", {"cohort": cohort}, status=403)
    form = ApplicationForm(request.POST or None, request.FILES or None, cohort=cohort)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_submit(
                cohort=cohort,
                applicant=request.user,
                support_letter=form.cleaned_data["support_letter"],
                **{
                    name: form.cleaned_data[name]
                    for name in ("institution", "residency_program", "training_year", "statement")
                },
            )
        except services.ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Your application to {cohort} is in. We will e-mail you the decision.")
            return redirect("programs:my_applications")
    status = 400 if request.method == "POST" else 200
    return render(request, "programs/apply.html", {"cohort": cohort, "form": form}, status=status)


@require_GET
@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    waitlist_services.offers_expire(applicant_id=request.user.pk)
    applications = selectors.applications_of(user=request.user)
    return render(request, "programs/my_applications.html", {"applications": applications})


@require_POST
@login_required
def application_respond(request: HttpRequest, application_id: int) -> HttpResponse:
    application = get_object_or_404(Application, pk=application_id, applicant=request.user)
    form = OfferResponseForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Choose accept, decline or withdraw.", status=400)
    response = form.cleaned_data["response"]
    actions = {
        OfferResponseForm.ACCEPT: (waitlist_services.offer_accept, "You have accepted your place. Welcome!"),
        OfferResponseForm.DECLINE: (waitlist_services.offer_decline, "You have declined the place."),
        OfferResponseForm.WITHDRAW: (services.application_withdraw, "Your application is withdrawn."),
    }
    service, done = actions[response]
    try:
        service(application=application, applicant=request.user)
    except services.ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("programs:my_applications")
