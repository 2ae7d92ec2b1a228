#!/usr/bin/env python3
"""Searches per second from one and from two threads sharing one
KnowledgeBase: the GIL is released during searches, so two threads on two
free cores should approach twice the throughput (target: >= 1.7x).

    PYTHONPATH=build/bindings/python /usr/bin/python3 bindings/python/bench/threads_bench.py

Builds a generated index of --docs documents in a temporary directory.
Sanity check: both runs must return the same hits for every query, so a
broken search cannot look fast.
"""
import argparse
import os
import tempfile
import threading
import time

import portalkb

WORDS = ("invoice payment account password download portal contract manual price agreement delivery "
         "refund order address subscription support billing report permit parking").split()
QUERIES = ["invoice download", "password reset", "parking permit", "refund order", "contract price",
           "billing report", "delivery address", "subscription portal", "invoise", "paymnt account"]


def documents(n):
    for i in range(n):
        words = [WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(60)]
        yield {"id": f"d{i}", "title": " ".join(words[:4]).capitalize(), "body": " ".join(words), "lang": "en",
               "visibility": ["public"]}


def run(kb, threads, per_thread):
    answers = [None] * threads

    def worker(t):
        got = []
        for i in range(per_thread):
            r = kb.search(QUERIES[i % len(QUERIES)], log=False, facets=["lang"])
            got.append([h.id for h in r.hits])
        answers[t] = got

    pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    start = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return time.perf_counter() - start, answers


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--searches", type=int, default=400, help="searches per thread")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        with portalkb.KnowledgeBase.create(os.path.join(tmp, "kb")) as kb:
            kb.add(documents(args.docs))
            kb.commit()
            run(kb, 1, 20)  # warm-up: snapshot, vocabulary, facet columns
            one, a1 = run(kb, 1, args.searches)
            two, a2 = run(kb, 2, args.searches)
            assert a2[0] == a1[0] and a2[1] == a1[0], "threads returned different hits"
            assert any(a1[0]), "no query found anything"
            qps1 = args.searches / one
            qps2 = 2 * args.searches / two
            print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")
            print(f"1 thread : {qps1:8.1f} searches/s")
            print(f"2 threads: {qps2:8.1f} searches/s")
            print(f"speed-up : {qps2 / qps1:.2f}x (target >= 1.7x on two free cores)")


if __name__ == "__main__":
    main()
