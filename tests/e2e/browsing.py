"""What the e2e tests share to act as a browser: Debian's chromium, axe-core's serious findings, and a staff
member's sign-in at the gate (code + PKCE through the real provider, whose form is POSTed `sub=<user>`)."""

from __future__ import annotations

import re
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import async_playwright

from palapa.localstack import STAFF

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")


async def serious_violations(page, base: str, paths) -> dict[str, list]:
    """path → axe-core's serious and critical violations (id, impact, nodes) on each page; empty when clean."""
    axe, found = Axe(), {}
    for path in paths:
        await page.goto(base + path)
        result = await axe.run(page)
        bad = [(v["id"], v["impact"], len(v["nodes"])) for v in result.response["violations"]
               if v["impact"] in ("serious", "critical")]
        if bad:
            found[path] = bad
    return found


class Findings:
    """Along a journey in one page: axe-core's serious and critical findings per step, and what the CSP refused."""

    def __init__(self, page) -> None:
        self.page, self.axe = page, Axe()
        self.problems: dict[str, list[str]] = {}
        self.refused: list[str] = []
        page.on("console", lambda m: self.refused.append(m.text) if "Content Security Policy" in m.text else None)

    async def check(self, name: str) -> None:
        found = [v for v in (await self.axe.run(self.page)).response["violations"]
                 if v["impact"] in ("serious", "critical")]
        if found:
            self.problems[name] = [v["id"] for v in found]

    def assert_clean(self) -> None:
        assert self.problems == {}, self.problems
        assert self.refused == [], self.refused


@asynccontextmanager
async def chromium_page(viewport: dict[str, int]):
    """A page of Debian's chromium at `viewport` (Indonesian locale) with its Findings; the browser closed after."""
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(locale="id-ID", viewport=viewport)
            yield page, Findings(page)
        finally:
            await browser.close()


#: Playwright's own default: the staff areas are tried as a desk computer shows them
DESK = {"width": 1280, "height": 720}


async def browser_sign_in(page, base: str, area: str, who: str) -> None:
    """A staff member signs in in `page` at `area` (/petugas, /ops): with no session the gate sends the browser to the
    provider's form, which is sent as `who`."""
    await page.goto(base + area)
    await page.locator('input[name="sub"]').fill(STAFF[who]["sub"])
    await page.get_by_role("button", name="Authorize").click()


async def staff_sign_in(gate: httpx.AsyncClient, area: str, cookie_name: str, who: str) -> dict[str, str]:
    """A browser's sign-in at `area` (/petugas, /ops) through the gate: the Cookie header of its session."""
    start = await gate.get(f"{area}/masuk")
    assert start.status_code == 303
    authorize = start.headers["location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    async with httpx.AsyncClient() as browser:
        answer = await browser.post(authorize, data={"sub": STAFF[who]["sub"]})
    assert answer.status_code == 302, answer.text[:200]
    back = urlsplit(answer.headers["location"])
    assert back.path == f"{area}/callback"
    done = await gate.get(f"{back.path}?{back.query}")
    assert (done.status_code, done.headers["location"]) == (303, area), done.text[:300]
    cookie = done.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and f"Path={area}" in cookie
    return {"Cookie": f"{cookie_name}=" + re.match(rf"{cookie_name}=([^;]+)", cookie).group(1)}


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)
