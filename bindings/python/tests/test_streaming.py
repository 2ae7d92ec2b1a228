"""KnowledgeBase.add streams: a generator is consumed a batch at a time, so
memory stays flat however many documents it yields."""
import portalkb

COUNT = 60000


def rss_bytes() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS in /proc/self/status")


def test_a_large_generator_is_never_held_in_memory(kb_path):
    samples = []
    body = "payment invoice portal account settings " * 25  # ~1 KB

    def documents():
        for i in range(COUNT):
            if i % 5000 == 0:
                samples.append(rss_bytes())
            # A new ~1 KB string per document: holding them all would cost > 60 MB.
            yield {"id": f"doc-{i}", "title": f"Generated {i}", "body": body + f" word{i}", "lang": "en",
                   "visibility": ["public"]}

    with portalkb.KnowledgeBase.create(kb_path) as kb:
        report = kb.add(documents())
        kb.commit()
        assert (report.added, report.rejected) == (COUNT, [])
        assert kb.stats()["documents"] == COUNT
        assert [h.id for h in kb.search("word59999").hits] == ["doc-59999"]
    assert len(samples) == COUNT // 5000
    # From the third sample on (library and first batches warmed up) memory
    # must stay flat: the documents alone would add over 60 MB if held.
    growth = max(samples[2:]) - samples[2]
    assert growth < 24 << 20, f"RSS grew by {growth >> 20} MiB while streaming: {[s >> 20 for s in samples]}"
