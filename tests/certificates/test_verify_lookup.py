"""Anyone holding a certificate can type its code at /verify/ and reach its record."""

import pytest
from django.urls import reverse

from certificates.models import CertificateStatus
from tests.api.records import bare_course, certificate, completion

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(db):
    return certificate(completion(bare_course(title="Teaching at the bedside"), name="Ines Okafor, DO"))


def test_the_footer_links_to_a_labelled_code_form(client):
    home = client.get("/").content.decode()
    assert 'href="/verify/"' in home
    page = client.get("/verify/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<label for="id_code">Certificate code' in html and 'name="code"' in html
    assert 'method="get" action="/verify/"' in html


def test_a_code_typed_as_people_type_it_leads_to_the_certificate(client, issued):
    typed = f"  {issued.code[:5].lower()} - {issued.code[5:].lower()} "
    response = client.get("/verify/", {"code": typed})
    assert response.status_code == 302 and response["Location"] == f"/verify/{issued.code}/"
    record = client.get(response["Location"]).content.decode()
    assert "Ines Okafor, DO" in record and "Teaching at the bedside" in record


def test_a_code_of_the_wrong_shape_is_refused_with_what_a_code_looks_like(client):
    response = client.get("/verify/", {"code": "12345"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "A certificate code has 10 letters and digits" in html
    assert 'aria-describedby="id_code_helptext id_code_error"' in html
    assert "Enter the code printed on the certificate." in client.get("/verify/", {"code": ""}).content.decode()


def test_an_unknown_or_unissued_code_says_no_certificate_has_it(client):
    pending = certificate(completion(bare_course()), status=CertificateStatus.PENDING)
    for code in ("ZZZZZ-ZZZZZ", pending.code):
        followed = client.get("/verify/", {"code": code}, follow=True)
        html = followed.content.decode()
        assert followed.status_code == 404
        assert "No certificate with this code has been issued." in html
        assert f'value="{code}"' in html or f'value="{code.replace("-", "")}"' in html, "the code stays to correct"


def test_lookups_count_against_the_verification_rate_limit(client, issued, rate_limit_clock_mid_minute):
    statuses = [client.get("/verify/", {"code": "ZZZZZZZZZZ"}).status_code for _ in range(31)]
    assert statuses[0] == 302 and statuses[-1] == 429
    # The limit is shared: the certificate page itself is now refused too, with a time to wait.
    refused = client.get(reverse("certificates:verify", args=[issued.code]))
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 60
    assert "Too many requests" in refused.content.decode()
