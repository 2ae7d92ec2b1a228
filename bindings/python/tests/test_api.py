"""Every public function of portalkb.KnowledgeBase, with its argument checks."""
import datetime as dt
import json

import pytest

import portalkb
from conftest import DOCUMENTS, article


def ids(result):
    return [h.id for h in result.hits]


def test_create_open_and_stats(kb_path):
    with portalkb.KnowledgeBase.create(kb_path) as kb:
        assert kb.stats()["documents"] == 0
        kb.add(DOCUMENTS)
    with portalkb.KnowledgeBase.open(kb_path) as kb:
        stats = kb.stats()
        assert stats["documents"] == len(DOCUMENTS)
        assert stats["by_lang"] == {"en": 4, "nl": 1}
        assert stats["by_type"] == {"article": 5}
        assert stats["terms"] > 0 and stats["bytes"] > 0
        assert kb.path == str(kb_path)


def test_create_refuses_an_existing_index(kb, kb_path):
    with pytest.raises(portalkb.AlreadyExists):
        portalkb.KnowledgeBase.create(kb_path)


def test_open_missing_index_raises_index_not_found(tmp_path):
    with pytest.raises(portalkb.IndexNotFound) as e:
        portalkb.KnowledgeBase.open(tmp_path / "nothing")
    assert "nothing" in str(e.value)
    assert e.value.code == "index_not_found"
    assert isinstance(e.value, portalkb.Error) and isinstance(e.value, FileNotFoundError)


def test_open_a_directory_that_is_not_an_index_raises_corrupt_index(tmp_path):
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "iamglass").write_text("not xapian")
    with pytest.raises((portalkb.CorruptIndex, portalkb.IndexNotFound)):
        portalkb.KnowledgeBase.open(tmp_path / "junk")


def test_leaving_with_block_by_exception_discards_uncommitted_changes(kb_path):
    portalkb.KnowledgeBase.create(kb_path).close()
    with pytest.raises(RuntimeError):
        with portalkb.KnowledgeBase.open(kb_path) as kb:
            kb.add(article("gone", "Gone", "never committed"))
            raise RuntimeError("boom")
    with portalkb.KnowledgeBase.open(kb_path) as kb:
        assert kb.stats()["documents"] == 0


def test_closed_kb_refuses_calls(kb_path):
    kb = portalkb.KnowledgeBase.create(kb_path)
    kb.close()
    kb.close()  # idempotent
    assert kb.closed
    with pytest.raises(portalkb.InvalidArgument, match="closed"):
        kb.search("x")


def test_search_result_attributes_and_to_dict(kb):
    r = kb.search("invoice download")
    assert ids(r)[0] == "invoice-download"
    assert "finance-sla" not in ids(r)
    assert r.total == len(r.hits)
    hit = r.hits[0]
    assert hit.title == "Download your invoice" and hit.type == "article" and hit.lang == "en"
    assert hit.category == "Billing/Invoices" and hit.updated_at == "2026-01-10"
    assert "<mark>" in hit.snippet
    assert {m.kind for m in hit.matches} <= {"exact", "typo", "synonym", "prefix", "split", "join", "compound"}
    d = r.to_dict()
    assert d["hits"][0]["id"] == "invoice-download"
    assert d["hits"][0] == hit.to_dict()
    assert set(d) == {"query", "corrected_query", "suggestion", "total", "total_exact", "facets", "as_admin",
                      "query_id", "hits", "took_ms"}
    assert d["total_exact"] is True and r.total_exact is True
    json.dumps(d)  # plain data
    assert r.took_ms >= 0
    assert r.query_id is not None and r.query_id.startswith("q-")


def test_search_options(kb):
    r = kb.search("invoice", facets=["category", "tags"], filters=["category=Billing", "lang=en"], sort="updated_at:asc")
    assert ids(r) == ["invoice-download", "invoice-pay"]
    assert {c.value: c.count for c in r.facets["tags"]}["invoice"] == 2
    assert kb.search("invoice", limit=1, offset=1).hits[0].id == ids(kb.search("invoice"))[1]
    assert ids(kb.search("factuur", lang="nl")) == ["factuur"]
    assert kb.search("invoise", typos=False, correct=False).total == 0
    assert kb.search("invoise").total >= 2
    assert kb.search("passw", prefix=False, typos=False, correct=False).total == 0
    assert ids(kb.search("passw")) == ["password-reset"]
    assert kb.search("invoice", log=False).query_id is None


def test_correction_is_reported(kb):
    r = kb.search("pasword resett")
    assert r.total >= 1
    assert r.corrected_query is None or "password" in r.corrected_query


@pytest.mark.parametrize("kwargs, exc, name", [
    ({"query": 5}, TypeError, "query"),
    ({"query": "x", "limit": "3"}, TypeError, "limit"),
    ({"query": "x", "limit": -1}, ValueError, "limit"),
    ({"query": "x", "limit": True}, TypeError, "limit"),
    ({"query": "x", "filters": "lang=en"}, TypeError, "filters"),
    ({"query": "x", "filters": [1]}, TypeError, "filters[0]"),
    ({"query": "x", "facets": 3}, TypeError, "facets"),
    ({"query": "x", "principal": "admin"}, TypeError, "principal"),
    ({"query": "x", "typos": 1}, TypeError, "typos"),
    ({"query": "x", "lang": 7}, TypeError, "lang"),
    ({"query": "x\x00y"}, ValueError, "query"),
])
def test_search_argument_types_name_the_argument(kb, kwargs, exc, name):
    query = kwargs.pop("query")
    with pytest.raises(exc) as e:
        kb.search(query, **kwargs)
    assert str(e.value).startswith(name)


@pytest.mark.parametrize("kwargs, needle", [
    ({"filters": ["category"]}, "category"),
    ({"sort": "nonsense:sideways"}, "sideways"),
    ({"lang": "xx"}, "xx"),
    ({"limit": 5000}, "limit"),
])
def test_invalid_queries_raise_invalid_query_with_the_library_message(kb, kwargs, needle):
    with pytest.raises(portalkb.InvalidQuery) as e:
        kb.search("invoice", **kwargs)
    assert needle in str(e.value)
    assert isinstance(e.value, portalkb.InvalidArgument) and isinstance(e.value, ValueError)
    assert e.value.code == "invalid_argument" and e.value.operation == "search"


def test_query_over_the_size_limit_is_invalid_query(kb):
    with pytest.raises(portalkb.InvalidQuery, match="max_query_bytes|bytes"):
        kb.search("word " * 1000)


def test_add_accepts_one_dict_a_list_and_a_generator(kb_path):
    with portalkb.KnowledgeBase.create(kb_path) as kb:
        assert kb.add(article("one", "One", "first")).added == 1
        assert kb.add([article("two", "Two", "second")]).added == 1
        report = kb.add(article(f"g{i}", f"Gen {i}", "generated") for i in range(25))
        assert (report.added, report.updated) == (25, 0)
        assert kb.add(article("one", "One again", "first")).updated == 1
        kb.commit()
        assert kb.stats()["documents"] == 27
        assert ids(kb.search("again")) == ["one"]


def test_add_dates_may_be_datetime_objects(kb_path):
    with portalkb.KnowledgeBase.create(kb_path) as kb:
        kb.add(article("d", "Dated", "text", updated_at=dt.date(2026, 3, 4)))
        kb.commit()
        assert kb.search("dated").hits[0].updated_at == "2026-03-04"


def test_add_returns_rejections_and_indexes_the_rest(kb_path):
    docs = [
        article("ok1", "Fine", "body"),
        {"id": "nolang", "title": "No language", "visibility": ["public"]},
        "not a dict",
        article("badvis", "Bad grant", "body", visibility=["everyone"]),
        article("obj", "Object value", "body", extra=object()),
        article("ok2", "Fine too", "body"),
    ]
    with portalkb.KnowledgeBase.create(kb_path) as kb:
        report = kb.add(docs, batch_size=2)
        assert report.added == 2
        assert [(r.source, r.line) for r in report.rejected] == [("<add>", 2), ("<add>", 3), ("<add>", 4), ("<add>", 5)]
        reasons = [r.reason for r in report.rejected]
        assert "lang" in reasons[0]
        assert "dict" in reasons[1] and "str" in reasons[1]
        assert "everyone" in reasons[2]
        assert "object" in reasons[3]
        source, line, reason = report.rejected[0]  # plain tuples
        assert line == 2
        kb.commit()
        assert kb.stats()["documents"] == 2


@pytest.mark.parametrize("bad", [42, "a string", b"bytes", None])
def test_add_refuses_what_is_not_documents(kb, bad):
    with pytest.raises(TypeError, match="^documents"):
        kb.add(bad)


def test_add_files_with_progress_and_rejections(tmp_path, kb_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.jsonl").write_text(json.dumps(article("fa", "File article", "from a file")) + "\n{broken\n")
    (src / "b.md").write_text("---\nid: fb\ntitle: Markdown page\nlang: en\nvisibility: [public]\n---\nBody text.\n")
    calls = []
    with portalkb.KnowledgeBase.create(kb_path) as kb:
        report = kb.add_files(src, progress=lambda done, total, docs: calls.append((done, total, docs)))
        assert (report.added, report.files) == (2, 2)
        assert len(report.rejected) == 1
        assert report.rejected[0].source.endswith("a.jsonl") and report.rejected[0].line == 2
        assert calls[-1] == (2, 2, 2)
        assert kb.stats()["documents"] == 2  # add_files commits


def test_add_files_reraises_a_progress_exception_after_indexing(tmp_path, kb_path):
    (tmp_path / "a.jsonl").write_text(json.dumps(article("fa", "File article", "x")) + "\n")

    def fail(*_):
        raise KeyError("from progress")

    with portalkb.KnowledgeBase.create(kb_path) as kb:
        with pytest.raises(KeyError, match="from progress"):
            kb.add_files([tmp_path / "a.jsonl"], progress=fail)
        assert kb.stats()["documents"] == 1


def test_add_files_argument_checks(kb, tmp_path):
    with pytest.raises(TypeError, match="^paths"):
        kb.add_files(5)
    with pytest.raises(TypeError, match=r"^paths\[1\]"):
        kb.add_files(["a", 3])
    with pytest.raises(TypeError, match="^progress"):
        kb.add_files(tmp_path, progress="no")
    report = kb.add_files(tmp_path / "missing.jsonl")
    assert report.added == 0 and "missing.jsonl" in report.rejected[0].source


def test_delete_and_commit(kb):
    assert kb.delete(["invoice-pay", "no-such"]) == 1
    assert "invoice-pay" in ids(kb.search("invoice"))  # not yet committed
    kb.commit()
    assert "invoice-pay" not in ids(kb.search("invoice"))
    assert kb.delete("password-reset") == 1
    with pytest.raises(TypeError, match=r"^ids\[0\]"):
        kb.delete([1])


def test_suggest_and_related(kb):
    s = kb.suggest("downl")
    titles = {x.text: x.id for x in s if x.kind == "title"}
    assert titles["Download your invoice"] == "invoice-download"
    assert "Invoice SLA for finance" not in titles
    assert [x.text for x in kb.suggest("downl", lang="en")] == ["Download your invoice"]
    related = kb.related("invoice-download")
    assert "invoice-pay" in [h.id for h in related]
    assert "finance-sla" not in [h.id for h in related]
    with pytest.raises(portalkb.NotFound):
        kb.related("finance-sla")
    with pytest.raises(TypeError, match="^limit"):
        kb.suggest("x", limit=None)


def test_principal_normalises_and_validates():
    p = portalkb.Principal(user=" Jan ", org="ACME", roles=["finance", "finance", "Customer"])
    assert (p.user, p.org) == ("jan", "acme")
    assert sorted(p.roles) == ["customer", "finance"]
    assert not p.is_admin
    with pytest.raises(portalkb.InvalidArgument, match="org"):
        portalkb.Principal(org="acme/role:x")
    with pytest.raises(TypeError, match="^roles"):
        portalkb.Principal(roles="finance")
    with pytest.raises(TypeError):
        portalkb.Principal(admin=True)  # type: ignore[call-arg]
    with pytest.raises(AttributeError):
        p._admin = True
    assert portalkb.Principal.admin().is_admin
    assert portalkb.Principal() == portalkb.Principal(user="", roles=[])


def test_admin_sees_everything_and_says_so(kb):
    r = kb.search("invoice", principal=portalkb.Principal.admin())
    assert "finance-sla" in ids(r) and r.as_admin
    assert not kb.search("invoice").as_admin


def test_synonyms(kb, tmp_path):
    assert kb.search("zork", typos=False, prefix=False).total == 0
    assert kb.synonyms.add("zork, invoice", lang="en") == 1
    assert [str(r) for r in kb.synonyms.list("en")] == ["zork, invoice"]
    assert kb.search("zork", typos=False, prefix=False).total >= 2
    assert kb.synonyms.remove(["zork, invoice"], lang="en") == 1
    assert kb.search("zork", typos=False, prefix=False).total == 0
    assert kb.synonyms.list() == []
    rules = tmp_path / "synonyms-nl.txt"
    rules.write_text("rekening, factuur\n")
    assert kb.synonyms.load(rules) == 1
    assert kb.synonyms.list()[0].lang == "nl"
    with pytest.raises(portalkb.InvalidArgument, match="line 1"):
        kb.synonyms.add("lonely", lang="en")
    with pytest.raises(portalkb.InvalidArgument):
        kb.synonyms.add("a, b", lang="xx")
    with pytest.raises(TypeError, match="^lang"):
        kb.synonyms.add("a, b", lang=None)


def test_settings_mapping(kb):
    assert dict(kb.settings) == {}
    kb.settings["typo.enabled"] = False
    assert kb.settings["typo.enabled"] == "false"
    assert kb.settings.effective()["typo.enabled"] == "false"
    assert kb.search("invoise").total == 0
    kb.settings["typo.disabled_words"] = ["iban", "sku"]
    assert kb.settings["typo.disabled_words"] == "iban,sku"
    assert len(kb.settings) == 2 and set(kb.settings) == {"typo.enabled", "typo.disabled_words"}
    del kb.settings["typo.enabled"]
    assert "typo.enabled" not in kb.settings
    assert kb.search("invoise").total >= 2
    with pytest.raises(KeyError):
        del kb.settings["typo.enabled"]
    with pytest.raises(portalkb.InvalidArgument, match="no.such"):
        kb.settings["no.such"] = "1"
    with pytest.raises(portalkb.InvalidArgument, match="typo.min_length_one_typo"):
        kb.settings["typo.min_length_one_typo"] = "many"
    assert "typo.enabled" in portalkb.Settings.names()


def test_a_second_writer_is_busy(kb, kb_path):
    kb.add(article("x", "X", "x"))  # this handle now holds the writer
    other = portalkb.KnowledgeBase.open(kb_path)
    try:
        with pytest.raises(portalkb.Busy):
            other.add(article("y", "Y", "y"))
        assert other.search("invoice").total >= 2  # reading is fine
    finally:
        other.close()


def test_error_hierarchy():
    for cls in (portalkb.InvalidArgument, portalkb.InvalidQuery, portalkb.NotFound, portalkb.IndexNotFound,
                portalkb.PermissionDenied, portalkb.Unauthenticated, portalkb.CorruptIndex, portalkb.Busy,
                portalkb.ResourceExhausted, portalkb.Unavailable, portalkb.IOError, portalkb.AlreadyExists):
        assert issubclass(cls, portalkb.Error), cls
        assert cls.__doc__
    e = portalkb.errors._from_status("resource_exhausted", "too many", "add")
    assert type(e) is portalkb.ResourceExhausted and str(e) == "too many" and e.operation == "add"
    assert type(portalkb.errors._from_status("invalid_argument", "m", "search")) is portalkb.InvalidQuery
    assert type(portalkb.errors._from_status("invalid_argument", "m", "add")) is portalkb.InvalidArgument
    assert type(portalkb.errors._from_status("no_such_code", "m", "x")) is portalkb.Error


def test_every_public_name_has_a_docstring():
    for name in portalkb.__all__:
        obj = getattr(portalkb, name)
        if callable(obj):
            assert obj.__doc__, name
        if isinstance(obj, type):
            for attr, value in vars(obj).items():
                if not attr.startswith("_") and callable(value):
                    assert value.__doc__, f"{name}.{attr}"


def test_supported_languages():
    assert {"nl", "en", "sv", "de"} <= set(portalkb.supported_languages())


def test_add_accepts_any_mapping(kb_path):
    import types
    with portalkb.KnowledgeBase.create(kb_path) as kb:
        assert kb.add([types.MappingProxyType(article("m", "Mapped", "text"))]).added == 1
