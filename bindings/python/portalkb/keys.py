"""Scoped search keys: signed, expiring tokens for ``portalkb serve``.

A portal back end mints a key for the signed-in user and hands it to the
browser, which searches the HTTP server with it and only ever as that
principal (with the key's filter ANDed to every search)::

    import portalkb, portalkb.keys

    secrets = portalkb.keys.load_secrets("/etc/portalkb/key-secrets")  # the server's --key-secrets file
    token = portalkb.keys.mint(secrets["k2026"], key_id="k2026", ttl=3600,
                               principal=portalkb.Principal(user="ann", org="acme", roles=["finance"]))

The format and the checks are the library's (portalkb/keys.h), shared with
``portalkb keys mint`` and the server. Library calls release the GIL.
"""

import dataclasses as _dataclasses
import datetime as _dt
import math as _math
import os as _os
from collections.abc import Mapping as _Mapping
from typing import Dict, Optional, Union

from . import Principal, _check_path, _check_str, _core, _principal_args, _type_name

__all__ = ["KeyClaims", "mint", "verify", "load_secrets", "MIN_SECRET_BYTES", "MAX_TTL"]

#: The shortest secret accepted, in bytes (use random ones: ``openssl rand -hex 32``).
MIN_SECRET_BYTES: int = int(_core.MIN_SECRET_BYTES)

#: The longest lifetime a key may have.
MAX_TTL: _dt.timedelta = _dt.timedelta(seconds=int(_core.MAX_TTL_SECONDS))


@_dataclasses.dataclass(frozen=True)
class KeyClaims:
    """What a verified search key grants."""

    key_id: str
    """The id of the secret that signed it."""
    principal: Principal
    """Who searches with it (never an admin)."""
    filter: Optional[str]
    """A filter expression ANDed to every search made with it, or None."""
    public: bool
    """True for a key meant for anonymous visitors (its principal is anonymous)."""
    expires_at: _dt.datetime
    """When it stops being accepted (UTC)."""


def _secret_bytes(name: str, value: object) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, bytes):
        return value
    raise TypeError(f"{name}: expected str or bytes, got {_type_name(value)}")


def _ttl_seconds(ttl: object) -> int:
    if isinstance(ttl, _dt.timedelta):
        seconds = ttl.total_seconds()
        if seconds != int(seconds):
            raise ValueError(f"ttl {ttl}: must be a whole number of seconds")
        value = int(seconds)
    elif isinstance(ttl, int) and not isinstance(ttl, bool):
        value = ttl
    else:
        raise TypeError(f"ttl: expected int (seconds) or datetime.timedelta, got {_type_name(ttl)}")
    if not 1 <= value <= _core.MAX_TTL_SECONDS:
        raise ValueError(f"ttl {value}: must be 1..{_core.MAX_TTL_SECONDS} seconds (at most {MAX_TTL.days} days)")
    return value


def _now_seconds(now: object) -> int:
    if now is None:
        return int(_core.now_ms()) // 1000
    if isinstance(now, _dt.datetime):
        if now.tzinfo is None:
            now = now.replace(tzinfo=_dt.timezone.utc)
        return _math.floor(now.timestamp())
    if isinstance(now, (int, float)) and not isinstance(now, bool):
        if not _math.isfinite(now):
            raise ValueError(f"now {now}: must be finite")
        # Far outside any expiry; bounded so it converts to the library's 64-bit seconds.
        return max(-(1 << 62), min(1 << 62, _math.floor(now)))
    raise TypeError(f"now: expected datetime, seconds since the epoch or None, got {_type_name(now)}")


def mint(secret: Union[str, bytes], *, key_id: str, principal: Optional[Principal] = None,
         filter: Optional[str] = None, ttl: Union[int, _dt.timedelta] = 3600, public: bool = False) -> str:
    """Signs a search key with `secret` (at least MIN_SECRET_BYTES bytes; a
    str is taken as UTF-8), named `key_id` (1-64 of A-Z a-z 0-9 _ -, the id
    the server's secrets file gives it). The key searches as `principal`
    (None: anonymous; never an admin), with `filter` ANDed to every search,
    and expires `ttl` (seconds or a timedelta, 1 second to MAX_TTL) from
    now. `public` marks a key for anonymous visitors. InvalidArgument naming
    the field for what the library refuses; TypeError naming the argument."""
    secret_bytes = _secret_bytes("secret", secret)
    key_id = _check_str("key_id", key_id)
    user, org, roles, admin = _principal_args(principal)
    filter_text = _check_str("filter", filter, allow_none=True)
    if not isinstance(public, bool):
        raise TypeError(f"public: expected bool, got {_type_name(public)}")
    return str(_core.mint_key(secret_bytes, key_id, user, org, roles, admin, filter_text, public,
                              _ttl_seconds(ttl)))


def verify(token: str, secrets: _Mapping[str, Union[str, bytes]], *,
           now: Union[_dt.datetime, int, float, None] = None) -> KeyClaims:
    """Checks `token` against the secret its key id names in `secrets`
    ({key_id: secret}, as load_secrets returns; several for rotation) at
    `now` (a datetime, naive meaning UTC, or seconds since the epoch; None:
    the current time) and returns its claims. Unauthenticated, with the
    reason, for a token that is malformed, too long, signed with an unknown
    key id, tampered with or expired. Bounded work on any token."""
    if not isinstance(token, str):
        raise TypeError(f"token: expected str, got {_type_name(token)}")
    if not isinstance(secrets, _Mapping):
        raise TypeError(f"secrets: expected a mapping of key id to secret, got {_type_name(secrets)}")
    secret_map: Dict[str, bytes] = {}
    for key_id, secret in secrets.items():
        if not isinstance(key_id, str):
            raise TypeError(f"secrets: key ids must be str, got {_type_name(key_id)}")
        value = _secret_bytes(f"secrets[{key_id!r}]", secret)
        if len(value) < MIN_SECRET_BYTES:
            # A short secret would accept keys anyone could forge; a secrets file refuses it too.
            raise ValueError(f"secrets[{key_id!r}]: {len(value)} bytes, at least {MIN_SECRET_BYTES} needed")
        secret_map[key_id] = value
    now_seconds = _now_seconds(now)
    # One character past the limit is enough for the library to refuse an
    # over-long token, without copying all of a huge one. surrogatepass lets
    # any str through, for the library to reject as malformed.
    data = token[:int(_core.MAX_KEY_BYTES) + 1].encode("utf-8", "surrogatepass")
    key, user, org, roles, filter_text, public, expires_at = _core.verify_key(data, secret_map, now_seconds)
    return KeyClaims(key_id=str(key), principal=Principal(user=user or None, org=org or None, roles=roles),
                     filter=str(filter_text) or None, public=bool(public),
                     expires_at=_dt.datetime.fromtimestamp(expires_at, tz=_dt.timezone.utc))


def load_secrets(path: Union[str, "_os.PathLike[str]"]) -> Dict[str, bytes]:
    """Reads a key-secrets file (one ``KEY_ID SECRET`` per line, '#'
    comments), as ``portalkb serve --key-secrets`` does, into {key_id:
    secret}. PermissionDenied when group or others may access it (chmod
    600); InvalidArgument naming the line for a malformed one; IOError when
    it cannot be read."""
    return dict(_core.load_secrets(_check_path("path", path)))
