"""Threads share one KnowledgeBase: searches from several threads at once
give exactly the answers one thread gets. (Speed-up: bench/threads_bench.py.)"""
import threading

import portalkb
from conftest import article

QUERIES = ["invoice", "download", "password reset", "factuur", "pay card", "invoise", "passw", "billing"]
PRINCIPALS = [None, portalkb.Principal(org="acme", roles=["finance"]), portalkb.Principal(user="jan")]


def answer(kb, query, principal):
    r = kb.search(query, principal=principal, facets=["tags"], log=False)
    return [h.id for h in r.hits], r.total, {f: [(c.value, c.count) for c in cs] for f, cs in r.facets.items()}


def test_concurrent_searches_match_single_threaded_answers(kb):
    kb.add([article(f"extra-{i}", f"Invoice topic {i}", "invoice billing portal " * (i % 7 + 1)) for i in range(200)])
    kb.commit()
    expected = {(q, i): answer(kb, q, p) for q in QUERIES for i, p in enumerate(PRINCIPALS)}
    errors = []
    mismatches = []

    def worker(seed):
        try:
            for n in range(60):
                q = QUERIES[(seed + n) % len(QUERIES)]
                i = (seed * 7 + n) % len(PRINCIPALS)
                got = answer(kb, q, PRINCIPALS[i])
                if got != expected[(q, i)]:
                    mismatches.append((q, i, got))
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(s,)) for s in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert mismatches == []


def test_searches_during_writes_see_committed_states_only(kb):
    stop = threading.Event()
    seen = []
    errors = []

    def reader():
        try:
            while not stop.is_set():
                seen.append(kb.search("zebrafish", log=False).total)
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    t = threading.Thread(target=reader)
    t.start()
    for batch in range(5):
        kb.add([article(f"z-{batch}-{i}", "Zebrafish care", "zebrafish") for i in range(10)])
        kb.commit()
    stop.set()
    t.join()
    assert errors == []
    assert all(total % 10 == 0 for total in seen), sorted(set(seen))
    assert kb.search("zebrafish", log=False, limit=100).total == 50
