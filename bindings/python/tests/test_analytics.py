"""Analytics through Python: reports as rows and typed DataFrames, raw
(redacted) events, clicks, feedback, support contacts, purge and erasure."""
import datetime as dt

import pytest

import portalkb

ACME = portalkb.Principal(user="jan@example.com", org="acme", roles=["customer"])


def run_searches(kb):
    for i, q in enumerate(["parking permit", "parking permit", "parkeervergunning", "invoice",
                           "mail me at jan.jansen@example.com"]):
        kb.search(q, principal=ACME, session=f"s{i}")


def test_zero_results_report_rows(kb):
    run_searches(kb)
    rows = kb.analytics.report("zero-results", since="1d")
    assert isinstance(rows, list) and rows.kind == "zero-results"
    assert rows.columns[:2] == ["query", "count"]
    by_query = {r["query"]: r for r in rows}
    assert by_query["parking permit"]["count"] == 2
    assert isinstance(by_query["parking permit"]["share"], float)
    assert all("jan.jansen" not in r["query"] for r in rows)
    assert "invoice" not in by_query
    assert rows.since < rows.until


def test_report_filters_and_periods(kb):
    run_searches(kb)
    assert kb.analytics.report("zero-results", since="1d", lang="sv") == []
    assert kb.analytics.report("zero-results", since="1d", role="customer") != []
    assert kb.analytics.report("zero-results", since="1d", role="finance") == []
    tomorrow = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    assert kb.analytics.report("zero-results", since=tomorrow, until=tomorrow + dt.timedelta(days=1)) == []
    summary = kb.analytics.report("summary", since=dt.date.today() - dt.timedelta(days=1))
    assert sum(r["searches"] for r in summary) == 5
    for kind in portalkb.Analytics.KINDS:
        kb.analytics.report(kind, since="7d")


@pytest.mark.parametrize("kwargs, exc, needle", [
    ({"kind": "nope"}, ValueError, "kind"),
    ({"kind": 3}, TypeError, "kind"),
    ({"kind": "summary", "since": 5}, TypeError, "since"),
    ({"kind": "summary", "since": "yesterday-ish"}, portalkb.InvalidArgument, "since"),
    ({"kind": "summary", "bucket": "month"}, ValueError, "bucket"),
    ({"kind": "summary", "limit": 0}, ValueError, "limit"),
    ({"kind": "summary", "since": "1d", "until": "2d"}, portalkb.InvalidArgument, "period"),
])
def test_report_argument_checks(kb, kwargs, exc, needle):
    kind = kwargs.pop("kind")
    with pytest.raises(exc, match=needle):
        kb.analytics.report(kind, **kwargs)


def test_to_pandas_has_typed_columns(kb):
    pd = pytest.importorskip("pandas", reason="pandas (python3-pandas) is not installed")
    run_searches(kb)
    frame = kb.analytics.report("zero-results", since="1d").to_pandas()
    assert list(frame.columns)[:2] == ["query", "count"]
    assert str(frame["count"].dtype) == "int64"
    assert str(frame["share"].dtype) == "float64"
    assert pd.api.types.is_datetime64_any_dtype(frame["first_seen"])
    assert pd.api.types.is_datetime64_any_dtype(frame["last_seen"])
    assert frame["first_seen"].iloc[0].date() == dt.datetime.now(dt.timezone.utc).date()
    summary = kb.analytics.report("summary", since="1d").to_pandas()
    assert pd.api.types.is_datetime64_any_dtype(summary["period"])
    assert str(summary["searches"].dtype) == "int64"
    assert str(summary["zero_result_rate"].dtype) == "float64"
    weekly = kb.analytics.report("summary", since="1d", bucket="week").to_pandas()
    assert weekly["period"].iloc[0].startswith(str(dt.date.today().year))  # "YYYY-Www" stays text


def test_events_are_redacted_and_pseudonymised(kb):
    run_searches(kb)
    events = list(kb.analytics.events(since="1d"))
    assert [e["query"] for e in events][:2] == ["parking permit", "parking permit"]
    assert events[-1]["query"] == "mail me at [email]"
    for e in events:
        assert "jan" not in e["user_key"] and e["user_key"] != ""
        assert e["org_key"] not in ("", "acme")
        assert e["roles"] == ["customer"]
        assert isinstance(e["ts"], dt.datetime) and e["ts"].tzinfo is not None
    assert len({e["user_key"] for e in events}) == 1
    assert [e["seq"] for e in events] == sorted(e["seq"] for e in events)


def test_events_page_through_the_log(kb):
    run_searches(kb)
    assert len(list(kb.analytics.events(page_size=2))) == 5
    assert list(kb.analytics.events(since=dt.datetime.now() + dt.timedelta(days=1))) == []
    with pytest.raises(ValueError, match="page_size"):
        next(kb.analytics.events(page_size=0))


def test_clicks_feedback_and_support_contacts(kb):
    r = kb.search("invoice", principal=ACME, session="c1")
    kb.analytics.log_click(r.query_id, r.hits[0].id, 1)
    kb.analytics.log_feedback(r.hits[0].id, False, comment="call me on +31 6 12345678", query_id=r.query_id)
    z = kb.search("parking permit", principal=ACME)
    kb.analytics.log_support_contact(z.query_id)
    feedback = kb.analytics.report("feedback", since="1d")
    assert feedback[0]["doc_id"] == r.hits[0].id and feedback[0]["not_helpful"] == 1
    assert "12345678" not in str(feedback[0]["recent_comments"])
    contacts = kb.analytics.report("support-contacts", since="1d")
    assert contacts[0]["query"] == "parking permit" and contacts[0]["contacts"] == 1
    with pytest.raises(portalkb.InvalidArgument, match="positions start at 1"):
        kb._native().log_click(r.query_id, "x", 0)  # the library's own check, past the Python one
    with pytest.raises(ValueError, match="position"):
        kb.analytics.log_click(r.query_id, "x", 0)
    with pytest.raises(TypeError, match="helpful"):
        kb.analytics.log_feedback("x", "yes")


def test_purge_and_erase_user(kb):
    run_searches(kb)
    kb.search("other person", principal=portalkb.Principal(user="piet"))
    assert kb.analytics.erase_user("jan@example.com") == 5
    remaining = list(kb.analytics.events())
    assert [e["query"] for e in remaining] == ["other person"]
    assert kb.analytics.purge("365d") == 0
    assert kb.analytics.purge(dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=1)) == 1
    assert list(kb.analytics.events()) == []
    with pytest.raises(TypeError, match="older_than"):
        kb.analytics.purge(None)


def test_reports_work_when_logging_is_switched_off(kb, kb_path):
    run_searches(kb)
    kb.settings["analytics.log_searches"] = False
    kb.close()
    with portalkb.KnowledgeBase.open(kb_path) as again:
        again.search("parking permit")  # not logged now
        rows = again.analytics.report("zero-results", since="1d")
        assert {r["query"]: r["count"] for r in rows}["parking permit"] == 2
        assert len(list(again.analytics.events())) == 5
