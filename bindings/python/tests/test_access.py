"""The planted-secret access checks of tests/access/access_test.cc, through Python:
a word that occurs only in a restricted document never reaches another principal."""
import pytest

import portalkb
from conftest import article

OUTSIDER = portalkb.Principal(user="eve", org="globex", roles=["finance", "customer"])
INSIDER = portalkb.Principal(user="ann", org="acme", roles=["finance"])


@pytest.fixture
def secret_kb(kb_path):
    with portalkb.KnowledgeBase.create(kb_path) as kb:
        kb.add([
            article("secret", "Zephyrquartz merger plan", "The zephyrquartz acquisition closes in March. Topic.",
                    type="document", visibility=["org:acme/role:finance"], tags=["zephyrquartz"],
                    category="Zephyrquartz/Plans", project=["zephyrquartz"]),
            article("pub", "Quarterly topic overview", "A public article about the topic and quarterly reports."),
        ])
        kb.commit()
        yield kb


@pytest.mark.parametrize("query", ["zephyrquartz", "zephyrquarts", "zephyr", '"zephyrquartz acquisition"',
                                   "merger plan", "topic"])
def test_never_in_hits_counts_or_snippets(secret_kb, query):
    r = secret_kb.search(query, principal=OUTSIDER)
    for h in r.hits:
        assert h.id != "secret"
        assert "ephyrquartz" not in h.snippet
        assert all("zephyr" not in m.matched for m in h.matches)
    assert r.total == len(r.hits)
    assert "zephyr" not in (r.corrected_query or "")
    assert "zephyr" not in (r.suggestion or "")


def test_the_owner_does_see_it(secret_kb):
    assert [h.id for h in secret_kb.search("zephyrquartz", principal=INSIDER).hits] == ["secret"]


def test_never_in_facets(secret_kb):
    r = secret_kb.search("topic", principal=OUTSIDER, facets=["type", "tags", "category", "org", "project", "lang"])
    for field, counts in r.facets.items():
        for c in counts:
            assert "ephyrquartz" not in c.value, field
            assert c.value not in ("acme", "document"), field
    assert r.total == 1
    assert r.facets["type"][0].count == 1


def test_never_a_correction(secret_kb):
    r = secret_kb.search("zephyrquartzz plan", principal=OUTSIDER)
    assert "zephyr" not in (r.corrected_query or "")
    assert all(h.id != "secret" for h in r.hits)
    assert [h.id for h in secret_kb.search("zephyrqvartz", principal=INSIDER).hits] == ["secret"]


def test_never_a_suggestion_or_a_related_document(secret_kb):
    assert secret_kb.suggest("zeph", principal=OUTSIDER) == []
    assert all(h.id != "secret" for h in secret_kb.related("pub", principal=OUTSIDER, limit=10))
    with pytest.raises(portalkb.NotFound):
        secret_kb.related("secret", principal=OUTSIDER)
    assert secret_kb.related("secret", principal=INSIDER, limit=10) is not None


def test_frequent_queries_are_suggested_only_where_they_find_something_visible(secret_kb):
    # Typed by four distinct people of each organisation (suggestions need
    # at least three, AnalyticsOptions::suggest_min_users).
    for i in range(4):
        insider = portalkb.Principal(user=f"ann{i}", org="acme", roles=["finance"])
        outsider = portalkb.Principal(user=f"eve{i}", org="globex", roles=["finance", "customer"])
        for who, query in ((insider, "zephyrquartz acquisition"), (outsider, "quarterly reports")):
            r = secret_kb.search(query, principal=who, session=f"s{i}{who.user}")
            assert r.hits, query
            secret_kb.analytics.log_click(r.query_id, r.hits[0].id, 1)

    def texts(p, prefix):
        return [f"{s.kind}:{s.text}" for s in secret_kb.suggest(prefix, principal=p)]

    assert texts(OUTSIDER, "zeph") == []
    assert texts(INSIDER, "zeph") == ["query:zephyrquartz acquisition"]
    assert "query:quarterly reports" in texts(OUTSIDER, "quarterly re")


def test_anonymous_is_the_default_principal(secret_kb):
    assert secret_kb.search("zephyrquartz").total == 0
    assert secret_kb.search("zephyrquartz", principal=None).total == 0


def test_reports_filter_exactly_and_hold_no_personal_data(secret_kb):
    secret_kb.search("zephyrquartz acquisition", principal=INSIDER, session="s-in")
    secret_kb.search("quarterly reports 0612345678", principal=OUTSIDER, session="s-out")
    rows = secret_kb.analytics.report("top-queries")
    text = repr(rows)
    assert "0612345678" not in text and "[phone]" in text
    # A role prefix is not a pattern: "fin" is not finance, and "%" is refused.
    assert secret_kb.analytics.report("top-queries", role="fin") == []
    with pytest.raises((portalkb.InvalidArgument, ValueError)):
        secret_kb.analytics.report("top-queries", role="%")
    finance = repr(secret_kb.analytics.report("top-queries", role="finance"))
    assert "zephyrquartz" in finance
