from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from courses import views as course_views
from lms import health

# The admin login goes through allauth (email verification, rate limits, MFA),
# never Django's bare password form.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Docere administration"
admin.site.site_title = "Docere"

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("account/", include("accounts.urls")),
    path("learning/", course_views.learning, name="learning"),
    path("", include("courses.urls")),
    path("", include("certificates.urls")),
    path("reports/", include("reports.urls")),
    path("resources/", include("library.urls")),
    path("api/", include("api.urls")),
    path("lti/", include("lti.urls")),
    path("", include("badges.urls")),
    # Cohort programs: public pages and applications, live sessions and the calendar, live
    # credit, program completion, program reports; then mentoring and projects.
    # programs.urls ends with the catch-all /programs/<slug>/, so it comes after the others.
    path("programs/", include("programs.live_urls")),
    path("programs/", include("programs.credit_urls")),
    path("programs/", include("programs.completion_urls")),
    path("programs/reports/", include("programs.report_urls")),
    path("programs/", include("programs.urls")),
    path("mentoring/", include("mentoring.urls")),
    path("projects/", include("projects.urls")),
]
