"""QR codes drawn as inline SVG read back from a rendered page, as a phone would read them."""

import re

import pytest

from lms.qr import qr_modules, qr_svg
from tests.qr_reading import qr_texts_in_markup

LONG_VERIFY_URL = "https://cme.lakeside-medicine.example.org/certificates/verify/DOC-7K3M-Q9XF-2HPA/"
CHECK_IN_URL = "https://cme.example.org/programs/sessions/4821/check-in/?code=K7QM2X"


@pytest.mark.parametrize(
    ("text", "quiet_zone"),
    [(LONG_VERIFY_URL, 0), (CHECK_IN_URL, 2), ("https://x.example/v/ÄÖ-ünïcode/", 4)],
)
def test_the_drawn_code_decodes_to_the_text_it_was_given(text, quiet_zone):
    assert qr_texts_in_markup(qr_svg(text, quiet_zone=quiet_zone)) == [text]


def test_the_view_box_is_one_unit_per_module_plus_the_quiet_zone_so_css_can_size_it():
    size = len(qr_modules(CHECK_IN_URL))
    svg = qr_svg(CHECK_IN_URL, module_px=5, quiet_zone=2)

    assert f'viewBox="0 0 {size + 4} {size + 4}"' in svg
    assert f'width="{(size + 4) * 5}"' in svg
    # Error correction M and 21 + 4n modules a side: a symbol the standard allows.
    assert (size - 21) % 4 == 0


def test_the_text_is_encoded_never_written_into_the_markup():
    svg = qr_svg('https://x.example/"><script>alert(1)</script>')

    assert "script" not in svg and "alert" not in svg
    assert re.fullmatch(r'<svg [^<>]*><path stroke="#[0-9a-f]{6}" d="[Mh0-9. ]+"/></svg>', svg)


@pytest.mark.parametrize("colour", ["red", "#12345", '#123456" onload="x', "url(#a)"])
def test_a_colour_other_than_hex_is_refused(colour):
    with pytest.raises(ValueError, match="#rrggbb"):
        qr_svg(CHECK_IN_URL, colour=colour)
