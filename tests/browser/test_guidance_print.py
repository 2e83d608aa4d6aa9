"""The print view: the whole folder on A4 without navigation."""

from __future__ import annotations

import pytest

from tests.guidance.conftest import folder_in_db  # noqa: F401 (fixture)

# See test_guidance_search.py for why the folder is re-imported.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("folder_in_db"),
]


def test_the_print_view_prints_the_whole_folder_without_navigation(
    page, live_server, reporter, log_in
) -> None:
    log_in(reporter, "/udskriv/")
    assert page.get_by_role("button", name="Udskriv eller gem som PDF").is_visible()
    assert page.locator(".print-section h2").count() == 12  # 11 sections + contacts

    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".site-footer").is_visible()
    assert not page.get_by_role("button", name="Udskriv eller gem som PDF").is_visible()
    assert not page.get_by_role("search").is_visible()
    assert page.get_by_role("heading", name="8. Virus").is_visible()

    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") >= 12
