"""The participant's own self-identification page: answer, change, or withdraw consent."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from programs.demographics_forms import CONSENT_TEXT, SelfIdentificationForm
from programs.demographics_services import can_self_identify, self_identification_save, self_identification_withdraw
from programs.models import SelfIdentification


def _eligible_or_404(request: HttpRequest) -> None:
    if not can_self_identify(request.user):
        raise Http404("No such page.")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def self_identification(request: HttpRequest) -> HttpResponse:
    _eligible_or_404(request)
    answers = SelfIdentification.objects.filter(user=request.user).first()
    form = SelfIdentificationForm(request.POST or None, instance=answers)
    if request.method == "POST":
        if form.is_valid():
            self_identification_save(user=request.user, **form.cleaned_data)
            messages.success(request, "Your answers are saved. Only the program directors see them.")
            return redirect("program_reports:self_identification")
        return render(
            request,
            "programs/self_identification.html",
            {"form": form, "answers": answers, "consent_text": CONSENT_TEXT},
            status=400,
        )
    return render(
        request, "programs/self_identification.html", {"form": form, "answers": answers, "consent_text": CONSENT_TEXT}
    )


@login_required
@require_POST
def self_identification_withdraw_view(request: HttpRequest) -> HttpResponse:
    _eligible_or_404(request)
    if self_identification_withdraw(user=request.user):
        messages.success(request, "Your consent is withdrawn and your answers are deleted.")
    return redirect("program_reports:self_identification")
