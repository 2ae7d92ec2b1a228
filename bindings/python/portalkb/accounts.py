"""Portal accounts: organisations, users, roles and groups, passwords,
sessions, TOTP, and GDPR requests, beside a knowledge base::

    import portalkb

    kb = portalkb.KnowledgeBase.open("var/kb")
    portalkb.accounts.create_key_file("var/accounts.key")   # once; mode 600
    with kb.accounts(key_file="var/accounts.key") as accounts:
        accounts.add_organisation("acme", "Acme B.V.")
        ann = accounts.add_user(org="acme", email="ann@acme.example", display_name="Ann")
        accounts.set_password(ann.id, "correct horse battery staple")
        session = accounts.login("ann@acme.example", "correct horse battery staple")
        result = kb.search("invoice", principal=accounts.principal_for_session(session.token))

The store is the library's (portalkb/accounts.h, "<index>.accounts.sqlite",
personal fields sealed under the key file); every account event is written
to the index's audit trail ("<index>.audit.sqlite", read by `portalkb audit`),
and export_user / rectify_user / erase_user are `portalkb gdpr`'s
(portalkb/portal.h). Errors are the classes of :mod:`portalkb.errors`:
Unauthenticated for a wrong password, code or dead session, PermissionDenied
for an approval by an admin of another organisation, and so on. Library
calls release the GIL; one Accounts may be shared by threads.
"""

import dataclasses as _dataclasses
import datetime as _dt
import json as _json
import os as _os
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

from . import Principal, _check_bool, _check_int, _check_path, _check_str, _check_str_list, _core, _type_name

if TYPE_CHECKING:
    from . import KnowledgeBase

__all__ = ["Accounts", "Organisation", "User", "Role", "AccessGroup", "Session", "TotpEnrollment",
           "KeyRotationProgress", "ErasureReport", "create_key_file", "store_path"]

_MAX_SECONDS = 1 << 40  # far beyond any useful lifetime; keeps the library's 64-bit arithmetic safe


def _utc(seconds: int) -> _dt.datetime:
    return _dt.datetime.fromtimestamp(seconds, tz=_dt.timezone.utc)


@_dataclasses.dataclass(frozen=True)
class Organisation:
    """A customer organisation."""

    id: str
    """A principal id, e.g. 'acme'."""
    name: str
    """The shown name."""
    status: str
    """'active' or 'disabled'."""
    created_at: _dt.datetime
    """When it was added (UTC)."""


@_dataclasses.dataclass(frozen=True)
class User:
    """A user account (without any secret: the store keeps only hashes)."""

    id: str
    """Generated ('u-' and 16 hex digits), so it carries nothing personal."""
    org: str
    """The organisation the user belongs to."""
    email: str
    """Normalised: trimmed, ASCII lower-case."""
    display_name: str
    language: str
    """'nl', 'en', 'sv' or 'de'."""
    contact_channel: str
    """'email', 'phone' or 'portal'."""
    status: str
    """'pending' (an account request), 'active' or 'disabled'."""
    roles: Tuple[str, ...]
    """Roles held directly, sorted."""
    groups: Tuple[str, ...]
    """Access groups, sorted."""
    totp_enabled: bool
    has_password: bool
    created_at: _dt.datetime
    """When it was added or requested (UTC)."""


@_dataclasses.dataclass(frozen=True)
class Role:
    """A role; its name is what visibility grants and principals carry."""

    name: str
    description: str


@_dataclasses.dataclass(frozen=True)
class AccessGroup:
    """A named bundle of roles."""

    name: str
    description: str
    roles: Tuple[str, ...]
    """Sorted."""


@_dataclasses.dataclass(frozen=True)
class Session:
    """A logged-in session. The token is shown once (the store keeps its hash)
    and is left out of repr()."""

    token: str = _dataclasses.field(repr=False)
    user: str
    expires_at: _dt.datetime
    """When it ends at the latest (UTC); it also ends when idle too long."""


@_dataclasses.dataclass(frozen=True)
class TotpEnrollment:
    """A new TOTP secret for an authenticator app, shown once (not in repr())."""

    secret: str = _dataclasses.field(repr=False)
    """Base32."""
    otpauth_uri: str = _dataclasses.field(repr=False)
    """otpauth://totp/... for a QR code."""


@_dataclasses.dataclass(frozen=True)
class KeyRotationProgress:
    """How far rotate_key has come."""

    resealed: int
    """Rows re-sealed by this call."""
    remaining: int
    """Rows still sealed under another key; 0 when the rotation is done."""


@_dataclasses.dataclass(frozen=True)
class ErasureReport:
    """What erase_user did."""

    user: str
    pseudonym: str
    """What the user's id became in the audit trail."""
    audit_entries_pseudonymised: int
    searches_pseudonymised: int
    own_documents: Tuple[str, ...]
    """Documents granted to user:<id> alone: deleted or listed (see own_documents_deleted)."""
    own_documents_deleted: bool
    shared_documents: Tuple[str, ...]
    """Documents granting user:<id> beside others: kept, grant and all."""


def _organisation(d: Dict[str, Any]) -> Organisation:
    return Organisation(id=d["id"], name=d["name"], status=d["status"], created_at=_utc(d["created_at"]))


def _user(d: Dict[str, Any]) -> User:
    return User(id=d["id"], org=d["org"], email=d["email"], display_name=d["display_name"],
                language=d["language"], contact_channel=d["contact_channel"], status=d["status"],
                roles=tuple(d["roles"]), groups=tuple(d["groups"]), totp_enabled=bool(d["totp_enabled"]),
                has_password=bool(d["has_password"]), created_at=_utc(d["created_at"]))


def _role(d: Dict[str, Any]) -> Role:
    return Role(name=d["name"], description=d["description"])


def _group(d: Dict[str, Any]) -> AccessGroup:
    return AccessGroup(name=d["name"], description=d["description"], roles=tuple(d["roles"]))


def _principal(t: Tuple[str, str, List[str]]) -> Principal:
    user, org, roles = t
    return Principal(user=user or None, org=org or None, roles=roles)


def _check_secret(name: str, value: object) -> str:
    """A password, token or code: a str that encodes as UTF-8. Messages never
    repeat the value, and the native call is never reached with something it
    cannot convert (pybind11 would print the arguments)."""
    if not isinstance(value, str):
        raise TypeError(f"{name}: expected str, got {_type_name(value)}")
    if "\x00" in value:
        raise ValueError(f"{name}: contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"{name}: not encodable as UTF-8 (a lone surrogate)") from None
    return value


def _check_optional(name: str, value: object) -> Optional[str]:
    return None if value is None else _check_str(name, value)


def _gdpr_actor(actor: object) -> str:
    # Who handled a data subject's request, as `portalkb gdpr --actor` records it.
    return _check_str("actor", actor, allow_none=True) or "operator"


def _check_seconds(name: str, value: object) -> int:
    return _check_int(name, value, 1, _MAX_SECONDS)


def create_key_file(path: Union[str, "_os.PathLike[str]"]) -> None:
    """Creates a new random key file for the accounts store at `path` (mode
    600). AlreadyExists when something is there: a key is never overwritten."""
    _core.create_key_file(_check_path("path", path))


def store_path(index_path: Union[str, "_os.PathLike[str]"]) -> str:
    """Where the accounts store of the index at `index_path` lives."""
    return str(_core.accounts_path(_check_path("index_path", index_path)))


class Accounts:
    """The accounts store of a knowledge base, wired to its audit trail.
    Obtain it with ``kb.accounts(key_file=...)``; close() it (or use it as a
    context manager) when done. Thread-safe; calls release the GIL.

    Where a method takes `actor`, it is the user id recorded in the audit
    trail as having done it (None: the operator). User ids are those the
    store generated (User.id).
    """

    def __init__(self, native: Any, kb: "KnowledgeBase") -> None:
        """Use KnowledgeBase.accounts."""
        self._core = native
        self._kb = kb

    # --- Lifetime ---

    @property
    def closed(self) -> bool:
        """True after close()."""
        return bool(self._core.closed)

    def close(self) -> None:
        """Closes the store and the audit trail. Idempotent."""
        self._core.close()

    def __enter__(self) -> "Accounts":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Accounts({self._kb.path!r}{', closed' if self.closed else ''})"

    # --- Organisations ---

    def add_organisation(self, id: str, name: str, *, status: str = "active") -> Organisation:
        """Adds an organisation. AlreadyExists when `id` is taken; InvalidArgument for a bad id or name."""
        return _organisation(self._core.add_organisation(_check_str("id", id), _check_str("name", name),
                                                         _check_str("status", status)))

    def get_organisation(self, id: str) -> Organisation:
        """NotFound when there is none."""
        return _organisation(self._core.get_organisation(_check_str("id", id)))

    def list_organisations(self) -> List[Organisation]:
        """Every organisation, by id."""
        return [_organisation(d) for d in self._core.list_organisations()]

    def update_organisation(self, id: str, *, name: Optional[str] = None,
                            status: Optional[str] = None) -> Organisation:
        """Changes the name and/or status ('active' or 'disabled'); None keeps a field."""
        return _organisation(self._core.update_organisation(_check_str("id", id),
                                                            _check_str("name", name, allow_none=True),
                                                            _check_str("status", status, allow_none=True)))

    def remove_organisation(self, id: str) -> None:
        """Removes an organisation without users (InvalidArgument while it has some)."""
        self._core.remove_organisation(_check_str("id", id))

    # --- Users ---

    def _new_user(self, org: object, email: object, display_name: object, language: object,
                  contact_channel: object) -> Tuple[str, str, str, str, str]:
        return (_check_str("org", org), _check_str("email", email), _check_str("display_name", display_name),
                _check_str("language", language), _check_str("contact_channel", contact_channel))

    def add_user(self, *, org: str, email: str, display_name: str, language: str = "en",
                 contact_channel: str = "email") -> User:
        """Creates an account, active at once (the operator's way). AlreadyExists for a taken e-mail address."""
        return _user(self._core.add_user(*self._new_user(org, email, display_name, language, contact_channel)))

    def request_account(self, *, org: str, email: str, display_name: str, language: str = "en",
                        contact_channel: str = "email") -> User:
        """A self-service account request: the user is 'pending' and cannot log
        in until approve_request."""
        return _user(self._core.request_account(*self._new_user(org, email, display_name, language,
                                                                 contact_channel)))

    def approve_request(self, user: str, *, admin: Optional[str]) -> User:
        """Approves a pending account request. `admin` is the approving user:
        active, of the same organisation and holding the org-admin role
        ('customer-admin' by default), else PermissionDenied. None approves
        as the operator, with no such check; it must be passed explicitly.
        InvalidArgument when the user is not pending."""
        return _user(self._core.approve_request(_check_optional("admin", admin), _check_str("user", user)))

    def reject_request(self, user: str, *, admin: Optional[str]) -> None:
        """Rejects a pending request (the same rules as approve_request); the
        request and its personal data are deleted."""
        self._core.reject_request(_check_optional("admin", admin), _check_str("user", user))

    def get_user(self, user: str) -> User:
        """NotFound when there is none."""
        return _user(self._core.get_user(_check_str("user", user)))

    def find_by_email(self, email: str) -> User:
        """The user with that e-mail address (found through the blind index); NotFound when none."""
        return _user(self._core.find_user_by_email(_check_str("email", email)))

    def list_users(self, org: Optional[str] = None) -> List[User]:
        """Users of `org` (None: all), by id."""
        return [_user(d) for d in self._core.list_users(_check_str("org", org, allow_none=True))]

    def update_user(self, user: str, *, email: Optional[str] = None, display_name: Optional[str] = None,
                    language: Optional[str] = None, contact_channel: Optional[str] = None,
                    status: Optional[str] = None) -> User:
        """Changes the given fields (None keeps one). status: 'active' or
        'disabled' (approval is approve_request). For a data subject's
        correction use rectify_user, which the audit trail records as such."""
        return _user(self._core.update_user(_check_str("user", user), _check_optional("email", email),
                                            _check_optional("display_name", display_name),
                                            _check_optional("language", language),
                                            _check_optional("contact_channel", contact_channel),
                                            _check_optional("status", status)))

    def remove_user(self, user: str) -> None:
        """Deletes the user with sessions, tokens, roles and memberships (see
        erase_user for a GDPR erasure across every store)."""
        self._core.remove_user(_check_str("user", user))

    # --- Roles and groups ---

    def add_role(self, name: str, description: str = "") -> Role:
        """Adds a role (a principal id). AlreadyExists when present."""
        return _role(self._core.add_role(_check_str("name", name), _check_str("description", description)))

    def list_roles(self) -> List[Role]:
        return [_role(d) for d in self._core.list_roles()]

    def get_role(self, name: str) -> Role:
        return _role(self._core.get_role(_check_str("name", name)))

    def update_role(self, name: str, description: str) -> Role:
        return _role(self._core.update_role(_check_str("name", name), _check_str("description", description)))

    def remove_role(self, name: str) -> None:
        """Removes the role, also from every user and group."""
        self._core.remove_role(_check_str("name", name))

    def grant_role(self, user: str, role: str, *, actor: Optional[str] = None) -> None:
        """Grants an existing role; it applies from the user's next search."""
        self._core.grant_role(_check_str("user", user), _check_str("role", role),
                              _check_str("actor", actor, allow_none=True))

    def revoke_role(self, user: str, role: str, *, actor: Optional[str] = None) -> None:
        self._core.revoke_role(_check_str("user", user), _check_str("role", role),
                               _check_str("actor", actor, allow_none=True))

    def add_group(self, name: str, description: str = "", roles: Sequence[str] = ()) -> AccessGroup:
        """Adds an access group bundling `roles` (which must exist)."""
        return _group(self._core.add_group(_check_str("name", name), _check_str("description", description),
                                           _check_str_list("roles", roles)))

    def list_groups(self) -> List[AccessGroup]:
        return [_group(d) for d in self._core.list_groups()]

    def get_group(self, name: str) -> AccessGroup:
        return _group(self._core.get_group(_check_str("name", name)))

    def update_group(self, name: str, *, description: Optional[str] = None, roles: Optional[Sequence[str]] = None,
                     actor: Optional[str] = None) -> AccessGroup:
        """Replaces the description and/or the roles; None keeps them."""
        role_list = None if roles is None else _check_str_list("roles", roles)
        return _group(self._core.update_group(_check_str("name", name),
                                              _check_str("description", description, allow_none=True), role_list,
                                              _check_str("actor", actor, allow_none=True)))

    def remove_group(self, name: str) -> None:
        self._core.remove_group(_check_str("name", name))

    def add_to_group(self, user: str, group: str, *, actor: Optional[str] = None) -> None:
        self._core.add_to_group(_check_str("user", user), _check_str("group", group),
                                _check_str("actor", actor, allow_none=True))

    def remove_from_group(self, user: str, group: str, *, actor: Optional[str] = None) -> None:
        self._core.remove_from_group(_check_str("user", user), _check_str("group", group),
                                     _check_str("actor", actor, allow_none=True))

    def principal_for(self, user: str) -> Principal:
        """The search principal of an active user (roles held directly or
        through groups), computed afresh: pass it to kb.search. PermissionDenied
        for a pending or disabled user or organisation."""
        return _principal(self._core.principal_for(_check_str("user", user)))

    # --- Passwords ---

    def set_password(self, user: str, password: str, *, actor: Optional[str] = None) -> None:
        """Checks the password policy (InvalidArgument naming the rule), stores
        the Argon2id hash and ends every session of the user."""
        self._core.set_password(_check_str("user", user), _check_secret("password", password),
                                _check_str("actor", actor, allow_none=True))

    def create_reset_token(self, user: str) -> str:
        """A single-use password reset token (shown once; earlier ones end)."""
        return str(self._core.create_reset_token(_check_str("user", user)))

    def reset_password(self, token: str, new_password: str) -> None:
        """Unauthenticated for an unknown, used or expired token."""
        self._core.reset_password(_check_secret("token", token), _check_secret("new_password", new_password))

    # --- Sessions ---

    def login(self, email: str, password: str, code: str = "") -> Session:
        """Logs in; `code` is a TOTP or recovery code when the user has TOTP.
        Unauthenticated for a wrong e-mail, password or code, a locked account
        (saying when to retry) or an inactive user; PermissionDenied when a
        role requires TOTP the user has not enabled."""
        token, user, expires_at = self._core.login(_check_str("email", email), _check_secret("password", password),
                                                   _check_secret("code", code))
        return Session(token=str(token), user=str(user), expires_at=_utc(expires_at))

    def principal_for_session(self, token: str) -> Principal:
        """The principal of a live session, computed afresh (so a role change
        applies at once); refreshes its idle timer. Unauthenticated for an
        unknown, expired, idle or revoked token."""
        return _principal(self._core.principal_for_session(_check_secret("token", token)))

    def logout(self, token: str) -> None:
        self._core.logout(_check_secret("token", token))

    def revoke_sessions(self, user: str, *, actor: Optional[str] = None) -> None:
        """Ends every session of the user."""
        self._core.revoke_sessions(_check_str("user", user), _check_str("actor", actor, allow_none=True))

    # --- TOTP ---

    def begin_totp(self, user: str) -> TotpEnrollment:
        """A new TOTP secret, not yet required at login (see confirm_totp)."""
        secret, uri = self._core.begin_totp(_check_str("user", user))
        return TotpEnrollment(secret=str(secret), otpauth_uri=str(uri))

    def confirm_totp(self, user: str, code: str) -> List[str]:
        """Enables TOTP once `code` matches the pending secret; returns 10
        single-use recovery codes, shown once."""
        return [str(c) for c in self._core.confirm_totp(_check_str("user", user), _check_secret("code", code))]

    def disable_totp(self, user: str, *, actor: Optional[str] = None) -> None:
        self._core.disable_totp(_check_str("user", user), _check_str("actor", actor, allow_none=True))

    # --- Key rotation ---

    def rotate_key(self, max_rows: int = 0) -> KeyRotationProgress:
        """Re-seals up to `max_rows` rows (0: all) not under the current key
        (the accounts were opened with the new key_file and the old one in
        previous_key_files). Run again until `remaining` is 0."""
        resealed, remaining = self._core.rotate_key(_check_int("max_rows", max_rows, 0, 1 << 40))
        return KeyRotationProgress(resealed=int(resealed), remaining=int(remaining))

    # --- GDPR ---

    def export_user(self, user: str, *, actor: Optional[str] = None) -> Dict[str, Any]:
        """Everything held about the user (profile, memberships, audit
        entries, searches, clicks, feedback, documents granted to them) as a
        dict; recorded in the audit trail as 'gdpr.export' by `actor`."""
        text = self._core.export_user(_check_str("user", user), _gdpr_actor(actor))
        result: Dict[str, Any] = _json.loads(text)
        return result

    def rectify_user(self, user: str, *, email: Optional[str] = None, display_name: Optional[str] = None,
                     language: Optional[str] = None, contact_channel: Optional[str] = None,
                     actor: Optional[str] = None) -> User:
        """Corrects the given profile fields; recorded as 'gdpr.rectify' naming
        the fields (never their values). ValueError when none is given."""
        fields = {"email": email, "display_name": display_name, "language": language,
                  "contact_channel": contact_channel}
        checked = {k: _check_optional(k, v) for k, v in fields.items()}
        if all(v is None for v in checked.values()):
            raise ValueError("rectify_user: nothing to correct (email, display_name, language, contact_channel)")
        return _user(self._core.rectify_user(_check_str("user", user), checked["email"], checked["display_name"],
                                             checked["language"], checked["contact_channel"],
                                             _gdpr_actor(actor)))

    def erase_user(self, user: str, *, delete_own_documents: bool = False,
                   actor: Optional[str] = None) -> ErasureReport:
        """Erases the account and its personal data: audit entries and
        analytics events are pseudonymised (reports and the chain stay
        valid), and the documents granted to the user alone are listed, or
        with `delete_own_documents` deleted and committed (with any pending
        changes of the knowledge base). Repeating it finishes an erasure a
        failure interrupted."""
        d = self._core.erase_user(_check_str("user", user), _check_bool("delete_own_documents", delete_own_documents),
                                  _gdpr_actor(actor))
        return ErasureReport(user=d["user"], pseudonym=d["pseudonym"],
                             audit_entries_pseudonymised=int(d["audit_entries_pseudonymised"]),
                             searches_pseudonymised=int(d["searches_pseudonymised"]),
                             own_documents=tuple(d["own_documents"]),
                             own_documents_deleted=bool(d["own_documents_deleted"]),
                             shared_documents=tuple(d["shared_documents"]))


def _open(kb: "KnowledgeBase", *, key_file: Union[str, "_os.PathLike[str]"],
          previous_key_files: Sequence[Union[str, "_os.PathLike[str]"]] = (),
          pwhash_opslimit: int = 2, pwhash_memlimit: int = 64 << 20, min_password_length: int = 12,
          max_password_bytes: int = 1024, breached_passwords_file: Union[str, "_os.PathLike[str]", None] = None,
          lockout_threshold: int = 5, lockout_base_seconds: int = 30, lockout_max_seconds: int = 3600,
          session_ttl_seconds: int = 8 * 3600, session_idle_seconds: int = 30 * 60,
          reset_token_ttl_seconds: int = 3600, org_admin_role: str = "customer-admin",
          totp_required_roles: Sequence[str] = (), rotation_batch: int = 200, audit_retention_days: int = 365,
          clock: Optional[Callable[[], int]] = None) -> Accounts:
    """KnowledgeBase.accounts (documented there)."""
    if isinstance(previous_key_files, (str, bytes, _os.PathLike)):
        raise TypeError(f"previous_key_files: expected a list of paths, got {_type_name(previous_key_files)}")
    if clock is not None and not callable(clock):
        raise TypeError(f"clock: expected a callable returning seconds since the epoch, got {_type_name(clock)}")
    options = {
        "key_file": _check_path("key_file", key_file),
        "previous_key_files": [_check_path(f"previous_key_files[{i}]", p) for i, p in enumerate(previous_key_files)],
        # The library names its own limits (libsodium's Argon2id minimums, policy floors).
        "pwhash_opslimit": _check_int("pwhash_opslimit", pwhash_opslimit, 1, 1 << 32),
        "pwhash_memlimit": _check_int("pwhash_memlimit", pwhash_memlimit, 1, 4 << 30),
        "min_password_length": _check_int("min_password_length", min_password_length, 1, 1 << 20),
        "max_password_bytes": _check_int("max_password_bytes", max_password_bytes, 1, 1 << 20),
        "breached_passwords_file": "" if breached_passwords_file is None
        else _check_path("breached_passwords_file", breached_passwords_file),
        "lockout_threshold": _check_int("lockout_threshold", lockout_threshold, 1, 1 << 20),
        "lockout_base_seconds": _check_seconds("lockout_base_seconds", lockout_base_seconds),
        "lockout_max_seconds": _check_seconds("lockout_max_seconds", lockout_max_seconds),
        "session_ttl_seconds": _check_seconds("session_ttl_seconds", session_ttl_seconds),
        "session_idle_seconds": _check_seconds("session_idle_seconds", session_idle_seconds),
        "reset_token_ttl_seconds": _check_seconds("reset_token_ttl_seconds", reset_token_ttl_seconds),
        "org_admin_role": _check_str("org_admin_role", org_admin_role),
        "totp_required_roles": _check_str_list("totp_required_roles", totp_required_roles),
        "rotation_batch": _check_int("rotation_batch", rotation_batch, 1, 1 << 20),
        "audit_retention_days": _check_int("audit_retention_days", audit_retention_days, 1, 100000),
        "clock": clock,
    }
    return Accounts(_core.AccountsCore.open(kb._native(), options), kb)
