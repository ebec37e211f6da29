"""The replica set as people reach it: two Streamlit replicas behind nginx (sticky sessions), one PostgreSQL store.

A dataset imported through replica A (its browser pinned there by nginx's cookie) opens by its link in a fresh browser
pinned to replica B; the upload itself needs stickiness (Streamlit keeps it in the session's process).
"""

import re

import pytest

from conftest import HEADER, NEWSROOM, Watch, csv_bytes
from tools.replicas import ReplicaSet


@pytest.fixture(scope="module")
def replica_set():
    with ReplicaSet(2) as rs:
        yield rs


def pinned(chromium, url, replica):
    """A fresh browser context whose nginx route cookie names `replica` before its first request (a cookie set
    after a first visit could be overwritten by that visit's late responses, which carry nginx's random pick)."""
    ctx = chromium.new_context(viewport={"width": 1280, "height": 900})
    ctx.add_cookies(
        [{"name": "coop_route", "value": replica, "url": re.match(r"http://[^/]+", url)[0] + "/"}]
    )
    page = ctx.new_page()
    w = Watch(page)
    page.goto(url)
    page.wait_for_selector("[data-testid='stSidebar']", timeout=60000)
    return ctx, page, w


def test_import_through_one_replica_and_open_the_link_through_the_other(replica_set, browser, tmp_path):
    f = tmp_path / "dons.csv"
    f.write_bytes(csv_bytes(HEADER, NEWSROOM))
    ctx, page, w = pinned(browser, f"{replica_set.url}/import", "a")
    try:
        assert page.request.get(replica_set.url + "/").headers["x-coop-replica"] == "a"
        page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(f))
        page.get_by_text("4. Check report").wait_for(timeout=60000)
        page.get_by_role("button", name=re.compile(r"^Import 3 rows")).click()
        page.wait_for_function("location.search.includes('dataset=')", timeout=60000)
        ds = re.search(r"dataset=([A-Za-z0-9_-]{22})", page.url)[1]
        assert w.errors == [] and w.external == []
    finally:
        ctx.close()
    ctx, page, w = pinned(browser, f"{replica_set.url}/explorer?dataset={ds}", "b")
    try:
        assert page.request.get(replica_set.url + "/").headers["x-coop-replica"] == "b"
        page.get_by_text("3 flows.").first.wait_for(timeout=60000)
        assert "Ignored" not in page.locator("[data-testid='stMain']").inner_text()  # the id was found
        assert w.errors == [] and w.external == []
    finally:
        ctx.close()


def test_container_files_match_the_replica_set():
    """The compose set's nginx file is the template rendered for its services; the compose file names them."""
    from tools.replicas import COMPOSE_NGINX, compose_nginx_config

    assert COMPOSE_NGINX.read_text() == compose_nginx_config(), (
        "run: python tools/replicas.py --write-compose-config"
    )
    compose = (COMPOSE_NGINX.parent / "compose.yaml").read_text()
    for service in ("db:", "app_a:", "app_b:", "nginx:"):
        assert f"\n  {service}" in compose
    assert "COOP_DATA_STORE: postgresql://" in compose and "127.0.0.1:8080:80" in compose
