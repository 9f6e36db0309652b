import pytest

pytestmark = pytest.mark.django_db


def test_home_page_has_landmarks_a_skip_link_and_no_third_party_origin(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    for landmark in ("<header", "<nav", "<main", "<footer", 'href="#main"'):
        assert landmark in html
    assert "faculty" in html.lower() and "equity" in html.lower()
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp


def test_signed_in_navigation_offers_learning_certificates_and_account(client, learner):
    client.force_login(learner)
    html = client.get("/").content.decode()
    for item in ("Catalog", "My learning", "Certificates", "Account", "Sign out"):
        assert item in html
    assert "Admin" not in html


def test_private_media_is_not_served(client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    (tmp_path / "certificates").mkdir()
    (tmp_path / "certificates" / "ABCDE12345.pdf").write_bytes(b"%PDF-private")
    for path in ("/media/certificates/ABCDE12345.pdf", "/static/../media/certificates/ABCDE12345.pdf"):
        assert client.get(path).status_code == 404
