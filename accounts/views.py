from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts import selectors, services
from accounts.forms import ProfileForm


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    # The profile is always the signed-in user's own: there is no id to tamper with.
    profile = services.profile_ensure(user=request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.Meta.fields}
        # ModelForm validation already copied the input onto the instance; reload it so
        # the service compares against what is stored (consent changes are timestamped).
        profile.refresh_from_db()
        services.profile_update(profile=profile, changes=changes)
        messages.success(request, "Your CME profile was saved.")
        return redirect("accounts:profile")
    if form.is_bound:
        # Nothing was saved, yet the notice must speak of what is on screen now, not of the
        # stored profile: the fields just filled in are no longer missing. Validation copied the
        # input onto the instance, wrong values included, so start again from what is stored.
        profile.refresh_from_db()
        readiness = selectors.credit_readiness_with(profile=profile, changes=form.cleaned_data)
    else:
        readiness = selectors.credit_readiness_of(profile)
    return render(request, "accounts/profile.html", {"form": form, "readiness": readiness, "profile": profile})
