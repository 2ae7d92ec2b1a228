"""The same query and principal give the same ids in the same order from
Python as from the portalkb command."""
import json
import os
import subprocess

import pytest

import portalkb
from conftest import cli_path

CASES = [
    ("invoice", {}),
    ("invoice", {"org": "acme", "roles": ["finance"]}),
    ("factur downlaoden", {}),
    ("passw", {"user": "jan"}),
    ("invoice -pay", {"org": "acme", "roles": ["finance", "customer"]}),
]


@pytest.fixture
def cli():
    path = cli_path()
    if not os.access(path, os.X_OK):
        pytest.skip(f"the portalkb command is not built at {path} (set PORTALKB_CLI)")
    return path


@pytest.mark.parametrize("query, who", CASES)
def test_same_ids_in_the_same_order(kb, cli, query, who):
    args = [cli, "search", "--db", kb.path, "--json", "--no-log", "--limit", "20"]
    if who.get("user"):
        args += ["--user", who["user"]]
    if who.get("org"):
        args += ["--org", who["org"]]
    for role in who.get("roles", []):
        args += ["--role", role]
    out = subprocess.run(args + [query], check=True, capture_output=True, text=True).stdout
    from_cli = json.loads(out)
    result = kb.search(query, principal=portalkb.Principal(**who), limit=20, log=False)
    assert [h.id for h in result.hits] == [h["id"] for h in from_cli["hits"]]
    assert result.total == from_cli["total"]
    assert result.corrected_query == from_cli["corrected_query"]
    assert from_cli["hits"], "the case should find something"


def test_documents_added_from_python_are_searchable_by_the_cli(kb, cli):
    kb.add({"id": "py-only", "title": "Quokka handbook", "lang": "en", "visibility": ["public"]})
    kb.commit()
    out = subprocess.run([cli, "search", "--db", kb.path, "--json", "--no-log", "quokka"], check=True,
                         capture_output=True, text=True).stdout
    assert [h["id"] for h in json.loads(out)["hits"]] == ["py-only"]
