"""The reports benchmark signs its administrator in the way a real one is: the reports
refuse staff without a second factor, so a benchmark that skipped it timed a redirect."""

import pytest
from allauth.mfa.models import Authenticator

from bench.reports.signin import ADMINISTRATOR_EMAIL, signed_in_client

pytestmark = pytest.mark.django_db


def test_the_benchmark_administrator_enrols_totp_and_is_shown_the_reports():
    client = signed_in_client()

    response = client.get("/reports/")

    assert response.status_code == 200
    assert Authenticator.objects.filter(user__email=ADMINISTRATOR_EMAIL, type=Authenticator.Type.TOTP).count() == 1


def test_a_second_run_enrols_afresh_instead_of_failing_on_the_first_runs_secret():
    signed_in_client()

    client = signed_in_client()

    assert client.get("/reports/exports/").status_code == 200
    assert Authenticator.objects.filter(user__email=ADMINISTRATOR_EMAIL, type=Authenticator.Type.TOTP).count() == 1
