"""Program directors look projects up in the admin; the project pages are where they change."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_director_looks_a_project_up_in_the_admin_but_cannot_change_it(client, director, submitted_project):
    client.force_login(director)
    listing = client.get(reverse("admin:projects_project_changelist"))
    assert listing.status_code == 200
    assert "Peer mentoring circle" in listing.content.decode()

    page = client.get(reverse("admin:projects_project_change", args=[submitted_project.pk])).content.decode()
    assert "/media/" not in page, "the private report is named, never linked"
    assert 'name="_save"' not in page
    assert client.get(reverse("admin:projects_project_add")).status_code == 403
