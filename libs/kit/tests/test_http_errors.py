"""Every error a service answers has the refusal shape: a reason for programs, a detail in Bahasa Indonesia."""

import logging

import httpx
import pytest
from fastapi import FastAPI, HTTPException

from palapa.kit.http import install_error_handlers


def app_with_errors() -> FastAPI:
    app = FastAPI()

    @app.get("/items/{n}")
    async def item(n: int) -> dict:
        return {"n": n}

    @app.get("/boom")
    async def boom() -> dict:
        raise RuntimeError("secret internals")

    database = {"up": False}

    @app.get("/database-away")
    async def database_away() -> dict:
        if not database["up"]:
            raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)")
        database["up"] = False
        return {}

    @app.get("/teapot")
    async def teapot() -> dict:
        raise HTTPException(418, "short and stout")

    install_error_handlers(app)
    app.state.database = database
    return app


@pytest.fixture
async def http():
    app = app_with_errors()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc") as client:
        client.database = app.state.database
        yield client


async def test_an_unknown_path_is_a_404_with_the_reason(http):
    res = await http.get("/nowhere/" + "x" * 5000)
    assert res.status_code == 404
    assert res.json() == {"detail": "Alamat tidak ditemukan", "reason": "not_found"}


async def test_a_wrong_method_is_a_405_with_the_reason_and_the_allowed_methods(http):
    res = await http.delete("/items/1")
    assert res.status_code == 405
    assert res.json()["reason"] == "method_not_allowed"
    assert res.headers["allow"] == "GET"


async def test_a_parameter_of_the_wrong_type_is_a_422_naming_it(http):
    res = await http.get("/items/²")
    assert res.status_code == 422
    body = res.json()
    assert body["reason"] == "invalid_request"
    assert body["errors"][0]["loc"] == ["path", "n"]


async def test_any_other_http_error_keeps_its_status_in_the_refusal_shape(http):
    res = await http.get("/teapot")
    assert res.status_code == 418
    assert res.json() == {"detail": "Permintaan ditolak", "reason": "http_418"}


async def test_an_unexpected_error_is_a_500_with_a_stable_reason_logged_once(http, caplog):
    with caplog.at_level(logging.ERROR):
        res = await http.get("/boom")
    assert res.status_code == 500
    assert res.json() == {"detail": "Terjadi kesalahan di server; silakan coba lagi nanti", "reason": "internal_error"}
    assert "secret" not in res.text
    logged = [r for r in caplog.records if r.exc_info]
    assert len(logged) == 1 and "GET /boom" in logged[0].getMessage()


async def test_a_database_away_is_a_503_logged_once_per_outage_not_per_request(http, caplog):
    with caplog.at_level(logging.WARNING, logger="palapa.kit.http"):
        answers = []
        for _ in range(3):
            answers.append(await http.get("/database-away"))
            assert (await http.get("/items/1")).status_code == 200  # needs no database: the outage goes on
        http.database["up"] = True
        assert (await http.get("/database-away")).status_code == 200  # the failing route works: outage over
    assert {
        (r.status_code, r.json()["reason"], r.headers["retry-after"]) for r in answers
    } == {(503, "unavailable", "5")}
    assert [r.getMessage().split(",")[0] for r in caplog.records] == ["database or broker", "database or broker"]
    assert "failing" in caplog.records[0].getMessage() and "back after" in caplog.records[1].getMessage()
