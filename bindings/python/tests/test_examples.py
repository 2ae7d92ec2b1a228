"""The examples run: the weekly report writes a valid PNG of the expected
size, and the WSGI endpoint searches as the session's user only."""
import importlib.util
import json
import struct
import sys
import wsgiref.util

import pytest

import portalkb
from conftest import BINDINGS


def load(name):
    spec = importlib.util.spec_from_file_location(name, BINDINGS / "examples" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_weekly_zero_results_prints_gaps_and_writes_the_chart(kb, tmp_path, capsys):
    pytest.importorskip("matplotlib", reason="matplotlib (python3-matplotlib) is not installed")
    for q in ["parking permit", "parking permit", "parkeervergunning", "invoice"]:
        kb.search(q)
    kb.analytics.flush()
    chart = tmp_path / "chart.png"
    assert load("weekly_zero_results").main(["--db", kb.path, "--chart", str(chart)]) == 0
    out = capsys.readouterr().out
    assert "'parking permit': 2 searches" in out
    assert "invoice'" not in out
    data = chart.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (800, 400)  # figsize 8x4 inches at 100 dpi
    assert data.endswith(b"IEND\xaeB`\x82")


def call(app, path="/search", query="", cookie=None):
    environ = {"PATH_INFO": path, "QUERY_STRING": query}
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    wsgiref.util.setup_testing_defaults(environ)
    status = []
    body = b"".join(app(environ, lambda s, headers: status.append(s)))
    return status[0], json.loads(body)


def test_wsgi_searches_as_the_logged_in_user(kb):
    app = load("wsgi_search").make_app(kb)
    status, body = call(app, query="q=invoice+sla", cookie="session=s-ann")
    assert status == "200 OK"
    assert "finance-sla" in [h["id"] for h in body["hits"]]
    for cookie in ("session=s-eve", None, "session=forged"):
        _, body = call(app, query="q=invoice+sla&user=ann&org=acme&role=finance", cookie=cookie)
        assert "finance-sla" not in [h["id"] for h in body["hits"]], cookie
    status, body = call(app, query="q=x&limit=many")
    assert status.startswith("400")
    status, _ = call(app, query="q=invoice&limit=100000")
    assert status.startswith("400")
    assert call(app, path="/other")[0].startswith("404")
