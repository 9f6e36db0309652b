"""The export log in the admin: CME administrators read it; nobody edits it there."""

import pytest
from django.urls import reverse

from reports.models import ExportKind, ExportLog

pytestmark = pytest.mark.django_db


def test_administrators_read_the_export_log_but_cannot_change_it(client, administrator):
    log = ExportLog.objects.create(kind=ExportKind.ATTEMPTS, user=administrator, user_email=administrator.email)
    client.force_login(administrator)

    listing = client.get(reverse("admin:reports_exportlog_changelist"))

    assert listing.status_code == 200
    assert "cme-office@example.org" in listing.content.decode()
    assert client.get(reverse("admin:reports_exportlog_add")).status_code == 403
    assert client.post(reverse("admin:reports_exportlog_delete", args=[log.pk]), {"post": "yes"}).status_code == 403
    assert ExportLog.objects.filter(pk=log.pk).exists()
