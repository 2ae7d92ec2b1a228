#!/usr/bin/env python3
"""A minimal portal search endpoint with the standard library only (WSGI).

GET /search?q=...  answers JSON hits, searching as the logged-in user.

Who is logged in comes from the portal's own session handling; here it is a
stand-in, `current_user`, reading a session cookie from a table. The
principal is built from that server-side record, never from request
parameters, so nobody can search as someone else or as an admin.

    python3 wsgi_search.py --db var/index --port 8080
    curl -b session=s-ann 'http://localhost:8080/search?q=factuur'
"""
import argparse
import http.cookies
import json
import urllib.parse
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple
from wsgiref.simple_server import make_server

import portalkb

# Stand-in for the portal's session store: session id -> the signed-in user.
SESSIONS: Dict[str, Dict[str, Any]] = {
    "s-ann": {"user": "ann", "org": "acme", "roles": ["finance"]},
    "s-eve": {"user": "eve", "org": "globex", "roles": ["customer"]},
}


def current_user(environ: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """The signed-in user of this request, or None (anonymous)."""
    cookie = http.cookies.SimpleCookie(environ.get("HTTP_COOKIE", ""))
    session = cookie.get("session")
    return SESSIONS.get(session.value) if session else None


def make_app(kb: portalkb.KnowledgeBase) -> Callable[..., Iterable[bytes]]:
    """The WSGI application searching `kb` (shared by every request thread)."""

    def app(environ: Dict[str, Any], start_response: Callable[[str, List[Tuple[str, str]]], Any]) -> Iterable[bytes]:
        def reply(status: str, body: Dict[str, Any]) -> Iterable[bytes]:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            start_response(status, [("Content-Type", "application/json; charset=utf-8"),
                                    ("Content-Length", str(len(data)))])
            return [data]

        if environ.get("PATH_INFO") != "/search":
            return reply("404 Not Found", {"error": "not found"})
        params = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
        query = params.get("q", [""])[0]
        user = current_user(environ)
        principal = portalkb.Principal(**user) if user else None  # None: anonymous
        try:
            limit = int(params.get("limit", ["10"])[0])
            result = kb.search(query, principal=principal, limit=limit, session=None)
        except (ValueError, portalkb.InvalidQuery) as e:
            return reply("400 Bad Request", {"error": str(e)})
        except portalkb.Error:
            return reply("503 Service Unavailable", {"error": "search is unavailable"})
        return reply("200 OK", {
            "total": result.total,
            "corrected_query": result.corrected_query,
            "query_id": result.query_id,
            "hits": [{"id": h.id, "title": h.title, "url": h.url, "snippet": h.snippet} for h in result.hits],
        })

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="portal search endpoint")
    parser.add_argument("--db", required=True)
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    with portalkb.KnowledgeBase.open(args.db) as kb:
        with make_server("127.0.0.1", args.port, make_app(kb)) as server:
            print(f"serving http://127.0.0.1:{args.port}/search?q=...")
            server.serve_forever()


if __name__ == "__main__":
    main()
