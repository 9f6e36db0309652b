"""The public list of resources and the only way to their files: a download that checks for
a verified account, and a cover image view (covers are public, like the list)."""

import mimetypes

from allauth.account.models import EmailAddress
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from library import services
from library.models import Resource


@require_GET
def resource_list(request: HttpRequest) -> HttpResponse:
    resources = Resource.objects.filter(is_listed=True).order_by("title")
    return render(request, "library/list.html", {"resources": resources})


@require_GET
@login_required
def download(request: HttpRequest, slug: str) -> HttpResponse:
    resource = get_object_or_404(Resource, slug=slug, is_listed=True)
    # Registration is the price of the download: an account whose email address is not
    # verified (an admin-made account, say) is asked to verify it first.
    if not EmailAddress.objects.filter(user=request.user, verified=True).exists():
        return render(request, "library/verify_email.html", {"resource": resource}, status=403)
    try:
        handle = resource.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("The file of this resource is missing.") from error
    services.resource_download_record(resource=resource, user=request.user)
    content_type = mimetypes.guess_type(resource.download_name)[0] or "application/octet-stream"
    return FileResponse(handle, as_attachment=True, filename=resource.download_name, content_type=content_type)


@require_GET
def cover(request: HttpRequest, slug: str) -> FileResponse:
    resource = get_object_or_404(Resource, slug=slug, is_listed=True)
    if not resource.cover:
        raise Http404("This resource has no cover.")
    try:
        handle = resource.cover.open("rb")
    except FileNotFoundError as error:
        raise Http404("The cover image is missing.") from error
    content_type = mimetypes.guess_type(resource.cover.name)[0] or "application/octet-stream"
    return FileResponse(handle, content_type=content_type)
