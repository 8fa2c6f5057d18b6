"""The citizen page links to the directory's search page, wherever catalog-svc serves it."""

import httpx
import pytest

pytestmark = pytest.mark.integration


async def test_the_citizen_page_links_to_the_directory_search_page(settings_for, serve):
    settings = settings_for(directory_url="https://layanan.mojokertokota.go.id/directory/")
    async with serve(settings) as svc, httpx.AsyncClient(base_url=svc.base_url) as http:
        page = await http.get("/")
        assert 'href="/layanan"' in page.text
        link = await http.get("/layanan", follow_redirects=False)
        assert (link.status_code, link.headers["location"]) == (303, "https://layanan.mojokertokota.go.id/directory/")
