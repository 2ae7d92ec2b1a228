"""portalkb.keys: scoped search keys minted and verified from Python, in the
library's format (the same as `portalkb keys mint` and the server's)."""
import dataclasses
import datetime as dt
import os
import subprocess

import pytest

import portalkb
import portalkb.keys as keys
from conftest import cli_path

SECRET = "s" * 32 + "-first-secret"
OTHER = "o" * 32 + "-second-secret"
ANN = portalkb.Principal(user="ann", org="acme", roles=["finance"])


def secrets_file(tmp_path, lines, mode=0o600):
    path = tmp_path / "key-secrets"
    path.write_text("# test secrets\n" + "".join(f"{k} {v}\n" for k, v in lines))
    path.chmod(mode)
    return path


def test_round_trip_keeps_every_claim():
    token = keys.mint(SECRET, key_id="k1", principal=ANN, filter="category=Billing", ttl=dt.timedelta(minutes=30))
    assert token.startswith("pkb1.k1.")
    before = dt.datetime.now(dt.timezone.utc)
    claims = keys.verify(token, {"k1": SECRET})
    assert claims.key_id == "k1"
    assert claims.principal == ANN
    assert claims.filter == "category=Billing"
    assert claims.public is False
    assert claims.expires_at.tzinfo == dt.timezone.utc
    left = claims.expires_at - before
    assert dt.timedelta(minutes=29) < left <= dt.timedelta(minutes=30, seconds=1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        claims.key_id = "other"  # type: ignore[misc]


def test_public_key_without_filter():
    claims = keys.verify(keys.mint(SECRET.encode(), key_id="pub", public=True), {"pub": SECRET})
    assert claims.public is True and claims.filter is None and claims.principal == portalkb.Principal()


def test_expired_key_is_unauthenticated():
    token = keys.mint(SECRET, key_id="k1", principal=ANN, ttl=2)
    assert keys.verify(token, {"k1": SECRET}).principal == ANN
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=3)
    with pytest.raises(portalkb.Unauthenticated, match="expired"):
        keys.verify(token, {"k1": SECRET}, now=later)
    with pytest.raises(portalkb.Unauthenticated, match="expired"):
        keys.verify(token, {"k1": SECRET}, now=later.timestamp())


def test_changing_any_one_character_is_refused():
    token = keys.mint(SECRET, key_id="k1", principal=ANN, filter="lang=en")
    assert keys.verify(token, {"k1": SECRET}).principal == ANN
    # Every position after the key id: the payload, the separators and the MAC.
    for i in range(len("pkb1.k1."), len(token)):
        changed = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1:]
        with pytest.raises(portalkb.Unauthenticated):
            keys.verify(changed, {"k1": SECRET})


def test_unknown_key_id_and_wrong_secret():
    token = keys.mint(SECRET, key_id="k1", principal=ANN)
    with pytest.raises(portalkb.Unauthenticated, match="unknown key id 'k1'"):
        keys.verify(token, {"k2": SECRET})
    with pytest.raises(portalkb.Unauthenticated, match="signature"):
        keys.verify(token, {"k1": OTHER})


def test_rotation_accepts_keys_of_both_secrets():
    active = {"old": SECRET, "new": OTHER.encode()}
    old = keys.mint(SECRET, key_id="old", principal=ANN)
    new = keys.mint(OTHER, key_id="new", principal=portalkb.Principal(user="bob"))
    assert keys.verify(old, active).principal == ANN
    assert keys.verify(new, active).principal.user == "bob"
    with pytest.raises(portalkb.Unauthenticated):
        keys.verify(old, {"new": OTHER})  # the old secret retired


def test_hostile_tokens_are_unauthenticated():
    for token in ["", "pkb1.", "pkb1.k1.x.y", "pkb1.k1.\udcff.x", "pkb1.k1." + "A" * 10_000_000 + ".x"]:
        with pytest.raises(portalkb.Unauthenticated):
            keys.verify(token, {"k1": SECRET})


def test_bad_arguments():
    with pytest.raises(TypeError, match="secret"):
        keys.mint(42, key_id="k1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="key_id"):
        keys.mint(SECRET, key_id=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="ttl"):
        keys.mint(SECRET, key_id="k1", ttl="1h")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="principal"):
        keys.mint(SECRET, key_id="k1", principal="ann")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="public"):
        keys.mint(SECRET, key_id="k1", public=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="ttl"):
        keys.mint(SECRET, key_id="k1", ttl=0)
    with pytest.raises(ValueError, match="ttl"):
        keys.mint(SECRET, key_id="k1", ttl=keys.MAX_TTL + dt.timedelta(seconds=1))
    with pytest.raises(ValueError, match="whole number"):
        keys.mint(SECRET, key_id="k1", ttl=dt.timedelta(seconds=1.5))
    with pytest.raises(portalkb.InvalidArgument, match="secret: 5 bytes"):
        keys.mint("short", key_id="k1")
    with pytest.raises(portalkb.InvalidArgument, match="key_id"):
        keys.mint(SECRET, key_id="no spaces")
    with pytest.raises(portalkb.InvalidArgument, match="admin"):
        keys.mint(SECRET, key_id="k1", principal=portalkb.Principal.admin())
    with pytest.raises(portalkb.InvalidArgument, match="public"):
        keys.mint(SECRET, key_id="k1", principal=ANN, public=True)
    with pytest.raises(portalkb.InvalidArgument, match="filter"):
        keys.mint(SECRET, key_id="k1", filter="x" * 2000)
    token = keys.mint(SECRET, key_id="k1")
    with pytest.raises(TypeError, match="token"):
        keys.verify(token.encode(), {"k1": SECRET})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="secrets"):
        keys.verify(token, [("k1", SECRET)])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"secrets\['k1'\]"):
        keys.verify(token, {"k1": 1})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match=r"secrets\['k1'\]: 5 bytes"):
        keys.verify(token, {"k1": "short"})
    with pytest.raises(TypeError, match="now"):
        keys.verify(token, {"k1": SECRET}, now="tomorrow")  # type: ignore[arg-type]


def test_load_secrets(tmp_path):
    path = secrets_file(tmp_path, [("old", SECRET), ("new", OTHER)])
    assert keys.load_secrets(path) == {"old": SECRET.encode(), "new": OTHER.encode()}
    token = keys.mint(keys.load_secrets(str(path))["new"], key_id="new", principal=ANN)
    assert keys.verify(token, keys.load_secrets(path)).principal == ANN


def test_world_readable_secrets_file_is_refused(tmp_path):
    path = secrets_file(tmp_path, [("k1", SECRET)], mode=0o644)
    with pytest.raises(portalkb.PermissionDenied, match="chmod 600"):
        keys.load_secrets(path)


def test_bad_secrets_files(tmp_path):
    with pytest.raises(portalkb.IOError):
        keys.load_secrets(tmp_path / "missing")
    path = secrets_file(tmp_path, [("k1", "short")])
    with pytest.raises(portalkb.InvalidArgument, match="line 2"):
        keys.load_secrets(path)
    with pytest.raises(TypeError, match="path"):
        keys.load_secrets(7)  # type: ignore[arg-type]


@pytest.fixture
def cli():
    path = cli_path()
    if not os.access(path, os.X_OK):
        pytest.skip(f"the portalkb command is not built at {path} (set PORTALKB_CLI)")
    return path


def cli_mint(cli, path, *args):
    return subprocess.run([cli, "keys", "mint", "--secret-file", str(path), *args], check=True,
                          capture_output=True, text=True).stdout.strip()


def test_a_cli_key_verifies_in_python_with_the_same_claims(tmp_path, cli):
    path = secrets_file(tmp_path, [("k1", SECRET)])
    token = cli_mint(cli, path, "--key-id", "k1", "--org", "ACME", "--role", "finance", "--role", "support",
                     "--filter", "category=Billing", "--ttl", "1h")
    claims = keys.verify(token, keys.load_secrets(path))
    assert claims == keys.KeyClaims(key_id="k1", principal=portalkb.Principal(org="acme", roles=["finance", "support"]),
                                    filter="category=Billing", public=False, expires_at=claims.expires_at)
    left = claims.expires_at - dt.datetime.now(dt.timezone.utc)
    assert dt.timedelta(minutes=59) < left <= dt.timedelta(hours=1)


def test_a_python_key_is_the_cli_key_for_the_same_claims(tmp_path, cli):
    # Keys are deterministic for given claims and expiry, so a key minted in
    # the same second by both is the same string: what the CLI (and the
    # server, which shares the library's verifier) accepts, Python mints.
    path = secrets_file(tmp_path, [("k1", SECRET)])
    principal = portalkb.Principal(user="ann", org="acme", roles=["finance"])
    for _ in range(3):  # a second boundary may fall between the two
        from_cli = cli_mint(cli, path, "--key-id", "k1", "--user", "ann", "--org", "acme", "--role", "finance",
                            "--ttl", "1h")
        from_python = keys.mint(SECRET, key_id="k1", principal=principal, ttl=3600)
        if from_cli == from_python:
            break
    assert from_cli == from_python
    assert keys.verify(from_cli, {"k1": SECRET}) == keys.verify(from_python, {"k1": SECRET})
