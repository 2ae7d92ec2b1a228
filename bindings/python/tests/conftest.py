"""Shared fixtures: a small knowledge base built in each test's own directory."""
import os
import pathlib
import sys

import pytest

import portalkb

HERE = pathlib.Path(__file__).resolve().parent
BINDINGS = HERE.parent
REPO = BINDINGS.parent.parent


def cli_path() -> str:
    """The portalkb command: $PORTALKB_CLI (set by CTest), else <build>/cli/portalkb
    next to the build's bindings/python/portalkb package."""
    env = os.environ.get("PORTALKB_CLI")
    if env:
        return env
    package = pathlib.Path(portalkb.__file__).resolve().parent
    return str(package.parent.parent.parent / "cli" / "portalkb")


def article(id, title, body, *, lang="en", visibility=("public",), **extra):
    doc = {"id": id, "type": "article", "title": title, "body": body, "lang": lang,
           "visibility": list(visibility)}
    doc.update(extra)
    return doc


DOCUMENTS = [
    article("invoice-download", "Download your invoice", "Open billing and download the invoice as PDF.",
            category="Billing/Invoices", tags=["invoice", "pdf"], updated_at="2026-01-10"),
    article("invoice-pay", "Pay an invoice", "Pay the invoice by bank transfer or card.",
            category="Billing/Payments", tags=["invoice", "payment"], updated_at="2026-02-01"),
    article("password-reset", "Reset your password", "Forgot your password? Request a reset link.",
            category="Account", tags=["password"], updated_at="2025-12-01"),
    article("factuur", "Factuur downloaden", "Download de factuur in het klantportaal.", lang="nl",
            category="Billing/Invoices", tags=["factuur"], updated_at="2026-01-15"),
    article("finance-sla", "Invoice SLA for finance", "Invoice disputes are answered within two days.",
            visibility=["org:acme/role:finance"], category="Billing", updated_at="2026-01-20"),
]


@pytest.fixture
def kb_path(tmp_path):
    return tmp_path / "kb"


@pytest.fixture
def kb(kb_path):
    with portalkb.KnowledgeBase.create(kb_path) as kb:
        report = kb.add(DOCUMENTS)
        assert report.rejected == [], report.rejected
        kb.commit()
        yield kb
