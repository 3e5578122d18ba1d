"""/docs and /redoc work offline: every script, stylesheet and icon they load is served
by the process itself (the browser test renders /docs in Chromium with no network)."""

from __future__ import annotations

import re

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from servicedesk.config import Settings
from servicedesk.db.database import Database
from tests import live_server
from tests.console.browser import chromium


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_the_docs_pages_load_nothing_from_another_origin(
    client: httpx.AsyncClient, page: str
) -> None:
    response = await client.get(page)

    assert response.status_code == 200
    loaded = re.findall(r'(?:src|href)="([^"]+)"', response.text)
    assert loaded, "the page loads its assets"
    assert all(url.startswith("/") for url in loaded), loaded
    assert "googleapis" not in response.text
    assert "cdn.jsdelivr" not in response.text
    for url in loaded:
        asset = await client.get(url)
        assert asset.status_code == 200, url
        assert len(asset.content) > 1000, url


@pytest.mark.e2e
def test_swagger_ui_renders_in_a_browser_without_a_network(
    settings: Settings, database: Database
) -> None:
    """Chromium here reaches only loopback: Swagger UI renders from the package's assets."""
    env = live_server.server_env(settings)
    with live_server.running(env) as server, chromium() as browser:
        browser.get(server.base_url + "/docs")
        title = WebDriverWait(browser, 20).until(
            lambda driver: driver.find_element(By.CSS_SELECTOR, ".swagger-ui .info .title")
        )
        assert "servicedesk" in title.text
        assert browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")
