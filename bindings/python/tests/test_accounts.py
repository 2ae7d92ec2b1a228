"""kb.accounts: organisations, users, requests and approval, roles and
groups, passwords, sessions, TOTP, key rotation and GDPR requests, through
the library's accounts store and audit trail."""
import base64
import dataclasses
import datetime as dt
import hashlib
import hmac
import json
import os
import struct
import subprocess
import threading

import pytest

import portalkb
import portalkb.accounts
from conftest import cli_path

PASSWORD = "Correct-Horse-Battery-7"
NEW_PASSWORD = "Another-Long-Passphrase-9"
# libsodium's smallest Argon2id cost: the tests hash many passwords.
FAST = {"pwhash_opslimit": 1, "pwhash_memlimit": 8192}


class Clock:
    """An injectable clock (seconds since the epoch), starting now."""

    def __init__(self):
        self.now = int(dt.datetime.now(dt.timezone.utc).timestamp())

    def __call__(self):
        return self.now


@pytest.fixture
def key_file(tmp_path):
    path = tmp_path / "accounts.key"
    portalkb.accounts.create_key_file(path)
    return path


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def accounts(kb, key_file, clock):
    with kb.accounts(key_file=key_file, clock=clock, **FAST) as a:
        yield a


def setup_acme(accounts):
    """Organisations acme and globex, roles, an acme admin and an acme user with a password."""
    accounts.add_organisation("acme", "Acme B.V.")
    accounts.add_organisation("globex", "Globex Ltd")
    accounts.add_role("customer-admin", "approves account requests")
    accounts.add_role("finance", "sees finance articles")
    admin = accounts.add_user(org="acme", email="Admin@Acme.example", display_name="Ada Admin")
    accounts.grant_role(admin.id, "customer-admin")
    ann = accounts.add_user(org="acme", email="ann@acme.example", display_name="Ann Example", language="nl")
    accounts.set_password(ann.id, PASSWORD)
    return admin, ann


def totp(secret_base32, at, step=30, digits=6):
    """RFC 6238 (HMAC-SHA1), as an authenticator app computes it."""
    key = base64.b32decode(secret_base32 + "=" * (-len(secret_base32) % 8))
    digest = hmac.new(key, struct.pack(">Q", at // step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10 ** digits).zfill(digits)


def test_totp_helper_matches_rfc6238_vector():
    # RFC 6238 appendix B, SHA-1, T = 59: 94287082 (8 digits).
    secret = base64.b32encode(b"12345678901234567890").decode()
    assert totp(secret, 59, digits=8) == "94287082"


def test_organisations(accounts):
    org = accounts.add_organisation("Acme", "Acme B.V.")
    assert org.id == "acme" and org.name == "Acme B.V." and org.status == "active"
    assert org.created_at.tzinfo is not None
    assert accounts.get_organisation("acme") == org
    with pytest.raises(portalkb.AlreadyExists):
        accounts.add_organisation("acme", "again")
    accounts.add_organisation("globex", "Globex")
    assert [o.id for o in accounts.list_organisations()] == ["acme", "globex"]
    updated = accounts.update_organisation("globex", status="disabled")
    assert updated.status == "disabled" and updated.name == "Globex"
    assert accounts.update_organisation("globex", name="Globex Ltd").status == "disabled"
    accounts.add_user(org="acme", email="a@acme.example", display_name="A")
    with pytest.raises(portalkb.InvalidArgument):
        accounts.remove_organisation("acme")  # it has users
    accounts.remove_organisation("globex")
    with pytest.raises(portalkb.NotFound):
        accounts.get_organisation("globex")
    with pytest.raises(dataclasses.FrozenInstanceError):
        org.name = "x"


def test_users(accounts):
    admin, ann = setup_acme(accounts)
    assert ann.id.startswith("u-") and ann.org == "acme" and ann.status == "active"
    assert ann.language == "nl" and ann.contact_channel == "email"
    assert admin.email == "admin@acme.example"  # normalised
    got = accounts.get_user(ann.id)
    assert got.has_password and not got.totp_enabled and got.roles == ()
    assert accounts.get_user(admin.id).roles == ("customer-admin",)
    assert accounts.find_by_email(" ANN@acme.example ").id == ann.id
    with pytest.raises(portalkb.NotFound):
        accounts.find_by_email("nobody@acme.example")
    with pytest.raises(portalkb.AlreadyExists):
        accounts.add_user(org="acme", email="ann@acme.example", display_name="Twin")
    with pytest.raises(portalkb.NotFound):
        accounts.add_user(org="nowhere", email="x@nowhere.example", display_name="X")
    bob = accounts.add_user(org="globex", email="bob@globex.example", display_name="Bob")
    assert {u.id for u in accounts.list_users()} == {admin.id, ann.id, bob.id}
    assert [u.id for u in accounts.list_users("globex")] == [bob.id]
    changed = accounts.update_user(ann.id, display_name="Ann E.", contact_channel="phone")
    assert (changed.display_name, changed.contact_channel, changed.email) == ("Ann E.", "phone", "ann@acme.example")
    with pytest.raises(portalkb.InvalidArgument):
        accounts.update_user(ann.id, language="fr")
    accounts.remove_user(bob.id)
    with pytest.raises(portalkb.NotFound):
        accounts.get_user(bob.id)


def test_account_request_approval_and_rejection(accounts):
    admin, ann = setup_acme(accounts)
    request = accounts.request_account(org="acme", email="new@acme.example", display_name="New Hire")
    assert request.status == "pending"
    accounts.set_password(request.id, PASSWORD)
    with pytest.raises(portalkb.Unauthenticated):
        accounts.login("new@acme.example", PASSWORD)  # not approved yet
    with pytest.raises(portalkb.PermissionDenied):
        accounts.principal_for(request.id)
    with pytest.raises(portalkb.PermissionDenied):
        accounts.approve_request(request.id, admin=ann.id)  # not an admin
    approved = accounts.approve_request(request.id, admin=admin.id)
    assert approved.status == "active"
    assert accounts.login("new@acme.example", PASSWORD).user == request.id
    with pytest.raises(portalkb.InvalidArgument):
        accounts.approve_request(request.id, admin=admin.id)  # no longer pending

    other = accounts.request_account(org="acme", email="other@acme.example", display_name="Other")
    accounts.reject_request(other.id, admin=admin.id)
    with pytest.raises(portalkb.NotFound):
        accounts.get_user(other.id)
    by_operator = accounts.request_account(org="globex", email="g@globex.example", display_name="G")
    assert accounts.approve_request(by_operator.id, admin=None).status == "active"


def test_admin_of_another_organisation_cannot_approve(accounts):
    admin, _ = setup_acme(accounts)
    request = accounts.request_account(org="globex", email="eve@globex.example", display_name="Eve")
    with pytest.raises(portalkb.PermissionDenied) as e:
        accounts.approve_request(request.id, admin=admin.id)
    assert e.value.operation == "approve_request"
    with pytest.raises(portalkb.PermissionDenied):
        accounts.reject_request(request.id, admin=admin.id)
    assert accounts.get_user(request.id).status == "pending"


def test_roles_and_groups(accounts):
    _, ann = setup_acme(accounts)
    assert [r.name for r in accounts.list_roles()] == ["customer-admin", "finance"]
    assert accounts.get_role("finance").description == "sees finance articles"
    assert accounts.update_role("finance", "finance team").description == "finance team"
    with pytest.raises(portalkb.AlreadyExists):
        accounts.add_role("finance")
    accounts.add_role("support")
    group = accounts.add_group("billing", "billing staff", ["finance", "support"])
    assert group.roles == ("finance", "support")
    with pytest.raises(portalkb.NotFound):
        accounts.add_group("bad", roles=["no-such-role"])
    assert [g.name for g in accounts.list_groups()] == ["billing"]
    accounts.add_to_group(ann.id, "billing", actor=None)
    assert accounts.get_user(ann.id).groups == ("billing",)
    assert set(accounts.principal_for(ann.id).roles) == {"finance", "support"}
    narrowed = accounts.update_group("billing", roles=["support"])
    assert narrowed.roles == ("support",) and narrowed.description == "billing staff"
    assert accounts.principal_for(ann.id).roles == ("support",)
    accounts.remove_from_group(ann.id, "billing")
    assert accounts.principal_for(ann.id).roles == ()
    accounts.grant_role(ann.id, "finance")
    principal = accounts.principal_for(ann.id)
    assert isinstance(principal, portalkb.Principal)
    assert (principal.user, principal.org, principal.roles) == (ann.id, "acme", ("finance",))
    accounts.revoke_role(ann.id, "finance")
    assert accounts.principal_for(ann.id).roles == ()
    accounts.remove_group("billing")
    accounts.remove_role("support")
    with pytest.raises(portalkb.NotFound):
        accounts.get_group("billing")
    with pytest.raises(portalkb.NotFound):
        accounts.get_role("support")


def test_role_change_takes_effect_on_the_next_search(kb, accounts):
    _, ann = setup_acme(accounts)
    session = accounts.login("ann@acme.example", PASSWORD)

    def visible():
        principal = accounts.principal_for_session(session.token)
        return {h.id for h in kb.search("invoice", principal=principal, log=False).hits}

    assert "finance-sla" not in visible()
    assert "invoice-pay" in visible()
    accounts.grant_role(ann.id, "finance")
    assert "finance-sla" in visible()
    accounts.revoke_role(ann.id, "finance")
    assert "finance-sla" not in visible()


def test_login_and_sessions(accounts, clock):
    _, ann = setup_acme(accounts)
    session = accounts.login("ann@acme.example", PASSWORD)
    assert session.user == ann.id and len(session.token) >= 32
    assert session.expires_at == dt.datetime.fromtimestamp(clock.now + 8 * 3600, tz=dt.timezone.utc)
    assert session.token not in repr(session)
    assert accounts.principal_for_session(session.token).user == ann.id
    with pytest.raises(portalkb.Unauthenticated) as e:
        accounts.login("ann@acme.example", "wrong-password-123")
    assert e.value.operation == "login"
    with pytest.raises(portalkb.Unauthenticated):
        accounts.login("nobody@acme.example", PASSWORD)
    with pytest.raises(portalkb.Unauthenticated):
        accounts.principal_for_session("not-a-token")
    accounts.logout(session.token)
    with pytest.raises(portalkb.Unauthenticated):
        accounts.principal_for_session(session.token)

    # Idle for longer than the idle timeout (30 minutes): the session is over.
    idle = accounts.login("ann@acme.example", PASSWORD)
    clock.now += 29 * 60
    accounts.principal_for_session(idle.token)  # refreshes the idle timer
    clock.now += 29 * 60
    accounts.principal_for_session(idle.token)
    clock.now += 31 * 60
    with pytest.raises(portalkb.Unauthenticated):
        accounts.principal_for_session(idle.token)

    a = accounts.login("ann@acme.example", PASSWORD)
    b = accounts.login("ann@acme.example", PASSWORD)
    accounts.revoke_sessions(ann.id)
    for s in (a, b):
        with pytest.raises(portalkb.Unauthenticated):
            accounts.principal_for_session(s.token)


def test_session_ends_at_its_lifetime(kb, key_file, clock):
    with kb.accounts(key_file=key_file, clock=clock, session_ttl_seconds=600, session_idle_seconds=3600,
                     **FAST) as accounts:
        setup_acme(accounts)
        session = accounts.login("ann@acme.example", PASSWORD)
        clock.now += 599
        accounts.principal_for_session(session.token)
        clock.now += 2
        with pytest.raises(portalkb.Unauthenticated):
            accounts.principal_for_session(session.token)


def test_lockout_after_repeated_failures(kb, key_file, clock):
    with kb.accounts(key_file=key_file, clock=clock, lockout_threshold=3, lockout_base_seconds=60,
                     **FAST) as accounts:
        setup_acme(accounts)
        for _ in range(3):
            with pytest.raises(portalkb.Unauthenticated):
                accounts.login("ann@acme.example", "wrong-password-123")
        with pytest.raises(portalkb.Unauthenticated, match="try again in 60 s"):
            accounts.login("ann@acme.example", PASSWORD)  # locked, right password or not
        clock.now += 61
        accounts.login("ann@acme.example", PASSWORD)


def test_threads_share_one_store_with_a_python_clock(accounts):
    # Calls release the GIL and the store takes it back to read the Python
    # clock under its own lock: threads must neither deadlock nor interfere.
    _, ann = setup_acme(accounts)
    errors, principals = [], []

    def worker():
        try:
            for _ in range(3):
                session = accounts.login("ann@acme.example", PASSWORD)
                principals.append(accounts.principal_for_session(session.token))
        except Exception as e:  # reported below, with the thread's failure
            errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    assert errors == []
    assert len(principals) == 12 and {p.user for p in principals} == {ann.id}


def test_passwords_policy_and_reset_tokens(accounts, clock):
    _, ann = setup_acme(accounts)
    with pytest.raises(portalkb.InvalidArgument):
        accounts.set_password(ann.id, "short")
    session = accounts.login("ann@acme.example", PASSWORD)
    accounts.set_password(ann.id, NEW_PASSWORD)
    with pytest.raises(portalkb.Unauthenticated):
        accounts.principal_for_session(session.token)  # a password change ends every session
    with pytest.raises(portalkb.Unauthenticated):
        accounts.login("ann@acme.example", PASSWORD)
    accounts.login("ann@acme.example", NEW_PASSWORD)

    token = accounts.create_reset_token(ann.id)
    accounts.reset_password(token, PASSWORD)
    accounts.login("ann@acme.example", PASSWORD)
    with pytest.raises(portalkb.Unauthenticated):
        accounts.reset_password(token, NEW_PASSWORD)  # single use
    expired = accounts.create_reset_token(ann.id)
    clock.now += 3601
    with pytest.raises(portalkb.Unauthenticated):
        accounts.reset_password(expired, NEW_PASSWORD)


def test_totp(accounts, clock):
    _, ann = setup_acme(accounts)
    enrollment = accounts.begin_totp(ann.id)
    assert enrollment.otpauth_uri.startswith("otpauth://totp/")
    assert enrollment.secret not in repr(enrollment)
    accounts.login("ann@acme.example", PASSWORD)  # not required until confirmed
    wrong = str((int(totp(enrollment.secret, clock.now)) + 1) % 1000000).zfill(6)
    with pytest.raises(portalkb.Unauthenticated):
        accounts.confirm_totp(ann.id, wrong)
    recovery = accounts.confirm_totp(ann.id, totp(enrollment.secret, clock.now))
    assert len(recovery) == 10 and len(set(recovery)) == 10
    assert accounts.get_user(ann.id).totp_enabled
    with pytest.raises(portalkb.Unauthenticated):
        accounts.login("ann@acme.example", PASSWORD)  # code missing
    clock.now += 90
    with pytest.raises(portalkb.Unauthenticated):
        accounts.login("ann@acme.example", PASSWORD, wrong)
    assert accounts.login("ann@acme.example", PASSWORD, totp(enrollment.secret, clock.now)).user == ann.id
    assert accounts.login("ann@acme.example", PASSWORD, recovery[0]).user == ann.id
    clock.now += 90
    with pytest.raises(portalkb.Unauthenticated):
        accounts.login("ann@acme.example", PASSWORD, recovery[0])  # recovery codes are single use
    accounts.disable_totp(ann.id)
    assert not accounts.get_user(ann.id).totp_enabled
    accounts.login("ann@acme.example", PASSWORD)


def test_totp_required_for_admin_roles(kb, key_file, clock):
    with kb.accounts(key_file=key_file, clock=clock, totp_required_roles=["customer-admin"], **FAST) as accounts:
        admin, _ = setup_acme(accounts)
        accounts.set_password(admin.id, PASSWORD)
        with pytest.raises(portalkb.PermissionDenied):
            accounts.login("admin@acme.example", PASSWORD)


def test_key_rotation(kb, key_file, tmp_path, clock):
    with kb.accounts(key_file=key_file, clock=clock, **FAST) as accounts:
        _, ann = setup_acme(accounts)
    new_key = tmp_path / "accounts-2.key"
    portalkb.accounts.create_key_file(new_key)
    with kb.accounts(key_file=new_key, previous_key_files=[key_file], clock=clock, **FAST) as accounts:
        assert accounts.get_user(ann.id).email == "ann@acme.example"  # readable during the rotation
        first = accounts.rotate_key(1)
        assert first.resealed == 1 and first.remaining >= 1
        rest = accounts.rotate_key()
        assert rest.remaining == 0 and rest.resealed == first.remaining
    with kb.accounts(key_file=new_key, clock=clock, **FAST) as accounts:  # the old key is retired
        assert accounts.find_by_email("ann@acme.example").id == ann.id
        accounts.login("ann@acme.example", PASSWORD)
    with kb.accounts(key_file=key_file, clock=clock, **FAST) as accounts:
        with pytest.raises(portalkb.CorruptIndex):
            accounts.get_user(ann.id)  # sealed under a key not given


def test_key_file_readable_by_others_is_refused(kb, key_file):
    os.chmod(key_file, 0o644)
    with pytest.raises(portalkb.PermissionDenied) as e:
        kb.accounts(key_file=key_file)
    assert str(key_file) in str(e.value) and "644" in str(e.value)
    with pytest.raises(portalkb.AlreadyExists):
        portalkb.accounts.create_key_file(key_file)


def test_gdpr_export_rectify_erase_round_trip(kb, accounts):
    admin, ann = setup_acme(accounts)
    private = f"user:{ann.id}"
    added = kb.add([{"id": "ann-contract", "type": "article", "title": "Contract for Ann", "lang": "en",
             "body": "The invoice terms of your contract.", "visibility": [private]},
            {"id": "shared-note", "type": "article", "title": "Shared invoice note", "lang": "en",
             "body": "An invoice note for two.", "visibility": [private, "org:globex"]}])
    assert added.rejected == []
    kb.commit()
    principal = accounts.principal_for_session(accounts.login("ann@acme.example", PASSWORD).token)
    assert "ann-contract" in {h.id for h in kb.search("contract", principal=principal).hits}
    kb.analytics.flush()

    accounts.add_role("support")
    accounts.grant_role(ann.id, "support", actor=admin.id)
    exported = accounts.export_user(ann.id)
    assert exported["user"]["id"] == ann.id and exported["organisation"]["id"] == "acme"
    # Account events went to the audit trail as they happened, with who did them.
    actions = {(e["action"], e["actor"]) for e in exported["audit"]["entries"]}
    assert {("account.user_added", "operator"), ("account.password_changed", "operator"),
            ("account.login", ann.id), ("account.role_granted", admin.id)} <= actions
    assert len(exported["analytics"]["searches"]) >= 1
    assert {d["id"] for d in exported["documents"]["granted"]} == {"ann-contract", "shared-note"}
    text = json.dumps(exported)
    assert "ann@acme.example" in text and "Ann Example" in text
    assert "ann-contract" in text and "shared-note" in text
    assert PASSWORD not in text

    rectified = accounts.rectify_user(ann.id, email="ann.example@acme.example", display_name="Ann Exemplar")
    assert (rectified.email, rectified.display_name) == ("ann.example@acme.example", "Ann Exemplar")
    text = json.dumps(accounts.export_user(ann.id))
    assert "ann.example@acme.example" in text and "ann@acme.example" not in text
    with pytest.raises(ValueError):
        accounts.rectify_user(ann.id)

    report = accounts.erase_user(ann.id, delete_own_documents=True)
    assert report.user == ann.id and report.pseudonym and report.pseudonym != ann.id
    assert report.own_documents == ("ann-contract",) and report.own_documents_deleted
    assert report.shared_documents == ("shared-note",)
    assert report.audit_entries_pseudonymised >= 3  # added, password set, login, ...
    assert report.searches_pseudonymised >= 1
    with pytest.raises(portalkb.NotFound):
        accounts.get_user(ann.id)
    with pytest.raises(portalkb.NotFound):
        accounts.find_by_email("ann.example@acme.example")
    assert kb.search("contract", principal=portalkb.Principal.admin()).total == 0
    # Erasing again finishes nothing new but does not fail (it is repeatable).
    again = accounts.erase_user(ann.id)
    assert again.own_documents == () and again.audit_entries_pseudonymised == 0


def test_erase_lists_own_documents_by_default(kb, accounts):
    _, ann = setup_acme(accounts)
    assert not kb.add({"id": "ann-only", "type": "article", "title": "For Ann", "lang": "en", "body": "x",
            "visibility": [f"user:{ann.id}"]}).rejected
    kb.commit()
    report = accounts.erase_user(ann.id)
    assert report.own_documents == ("ann-only",) and not report.own_documents_deleted
    assert kb.search("ann", principal=portalkb.Principal.admin(), typos=False, prefix=False).total == 1


def test_no_secret_or_personal_data_in_any_file_left(kb, key_file, tmp_path, clock):
    with kb.accounts(key_file=key_file, clock=clock, **FAST) as accounts:
        admin, ann = setup_acme(accounts)
        session = accounts.login("ann@acme.example", PASSWORD)
        reset = accounts.create_reset_token(ann.id)
        enrollment = accounts.begin_totp(ann.id)
        accounts.confirm_totp(ann.id, totp(enrollment.secret, clock.now))
        accounts.principal_for_session(session.token)
    key = key_file.read_bytes()
    secrets = [PASSWORD, session.token, reset, enrollment.secret, "ann@acme.example", "Ann Example",
               "admin@acme.example", "Ada Admin"]
    scanned = 0
    for path in tmp_path.rglob("*"):
        if not path.is_file() or path == key_file:
            continue
        data = path.read_bytes()
        scanned += 1
        for secret in secrets:
            assert secret.encode() not in data, f"{path} holds {secret[:4]}..."
        assert key not in data
    assert scanned >= 2  # the accounts store and the audit trail at least


def test_closed_accounts_and_bad_arguments(kb, key_file):
    accounts = kb.accounts(key_file=key_file, **FAST)
    with pytest.raises(TypeError, match="name"):
        accounts.add_organisation("acme", 5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="password"):
        accounts.login("a@b.example", "pass\udc80word")
    with pytest.raises(TypeError, match="password"):
        accounts.set_password("u-1", b"bytes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="clock"):
        kb.accounts(key_file=key_file, clock=5)
    with pytest.raises(TypeError, match="no_such_option"):
        kb.accounts(key_file=key_file, no_such_option=1)
    with pytest.raises(portalkb.InvalidArgument):
        kb.accounts(key_file=key_file, pwhash_memlimit=1024)  # below libsodium's minimum
    with pytest.raises(portalkb.InvalidArgument):
        accounts.add_organisation("bad:id", "Bad")
    org = accounts.add_organisation("acme", "Acme")
    kb.close()  # the accounts store stays usable; what needs the index says it is closed
    assert accounts.get_organisation("acme") == org
    with pytest.raises(portalkb.InvalidArgument, match="closed"):
        accounts.export_user("u-0000000000000000")
    accounts.close()
    accounts.close()
    assert accounts.closed
    with pytest.raises(portalkb.InvalidArgument, match="closed"):
        accounts.list_users()
    assert portalkb.accounts.store_path(kb.path).endswith(".accounts.sqlite")


def test_cli_reads_what_python_wrote(kb, accounts, key_file):
    cli = cli_path()
    if not os.access(cli, os.X_OK):
        pytest.skip(f"the portalkb command is not built at {cli} (set PORTALKB_CLI)")
    admin, ann = setup_acme(accounts)
    accounts.grant_role(ann.id, "finance", actor=admin.id)
    accounts.login("ann@acme.example", PASSWORD)
    out = subprocess.run([cli, "gdpr", "export", ann.id, "--db", kb.path, "--key-file", str(key_file)],
                         check=True, capture_output=True, text=True).stdout
    from_cli = json.loads(out)
    assert from_cli["user"] == accounts.export_user(ann.id)["user"]
    verified = subprocess.run([cli, "audit", "verify", "--db", kb.path, "--json"], check=True,
                              capture_output=True, text=True).stdout
    report = json.loads(verified)
    assert report["ok"] and report["entries_checked"] >= 6
