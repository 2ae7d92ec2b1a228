"""Type stubs of portalkb.keys (documentation: the docstrings in keys.py)."""

import datetime as _dt
import os as _os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Dict, Optional, Union

from . import Principal

__all__ = ["KeyClaims", "mint", "verify", "load_secrets", "MIN_SECRET_BYTES", "MAX_TTL"]

MIN_SECRET_BYTES: int
MAX_TTL: _dt.timedelta

@dataclass(frozen=True)
class KeyClaims:
    key_id: str
    principal: Principal
    filter: Optional[str]
    public: bool
    expires_at: _dt.datetime

def mint(secret: Union[str, bytes], *, key_id: str, principal: Optional[Principal] = ...,
         filter: Optional[str] = ..., ttl: Union[int, _dt.timedelta] = ..., public: bool = ...) -> str: ...
def verify(token: str, secrets: Mapping[str, Union[str, bytes]], *,
           now: Union[_dt.datetime, int, float, None] = ...) -> KeyClaims: ...
def load_secrets(path: Union[str, "_os.PathLike[str]"]) -> Dict[str, bytes]: ...
