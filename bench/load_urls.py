from django.http import HttpResponse
from django.urls import include, path

from courses.models import Course


def bare(request):
    """The baseline: one ORM query, no template, on the same server and database."""
    return HttpResponse(str(Course.objects.filter(status="published").count()))


urlpatterns = [
    path("bench/bare", bare),
    path("", include("lms.urls")),
]
