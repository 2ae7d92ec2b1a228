"""portalkb: search and knowledge base for self-service portals, from Python.

    import portalkb

    with portalkb.KnowledgeBase.create("var/kb") as kb:
        report = kb.add({"id": "a1", "title": "Factuur downloaden", "lang": "nl",
                         "visibility": ["public"], "body": "..."} for _ in range(1))
        kb.commit()
        result = kb.search("factuur", principal=portalkb.Principal(org="acme", roles=["finance"]))
        for hit in result.hits:
            print(hit.id, hit.title)

The library (libportalkb) does the work; this package converts arguments and
answers. Searches, indexing and reports release the GIL, so threads searching
one KnowledgeBase run in parallel. Library errors are raised as the classes
in :mod:`portalkb.errors` (re-exported here).
"""

import datetime as _dt
import itertools as _itertools
import json as _json
import os as _os
import re as _re
from collections.abc import Iterable, Mapping
from typing import (TYPE_CHECKING, Any, Callable, Dict, Iterator, List, MutableMapping, NamedTuple,
                    Optional, Sequence, Tuple, Union)

from . import _core
from .errors import (AlreadyExists, Busy, CorruptIndex, Error, IndexNotFound, InvalidArgument,
                     InvalidQuery, IOError, NotFound, PermissionDenied, ResourceExhausted,
                     Unauthenticated, Unavailable)

if TYPE_CHECKING:
    from .accounts import Accounts as _Accounts

Hit = _core.Hit
WordMatch = _core.WordMatch
FacetCount = _core.FacetCount
SearchResult = _core.SearchResult
Suggestion = _core.Suggestion
SynonymRule = _core.SynonymRule

__all__ = [
    "KnowledgeBase", "Principal", "Rejection", "AddReport", "ReportRows", "Synonyms", "Settings",
    "Analytics", "Hit", "WordMatch", "FacetCount", "SearchResult", "Suggestion", "SynonymRule",
    "Error", "InvalidArgument", "InvalidQuery", "NotFound", "AlreadyExists", "IndexNotFound",
    "PermissionDenied", "Unauthenticated", "CorruptIndex", "Busy", "ResourceExhausted",
    "Unavailable", "IOError", "supported_languages", "keys", "accounts",
]

#: Documents converted and indexed per call into the library by KnowledgeBase.add:
#: the most a stream of documents holds in memory at once.
ADD_BATCH_SIZE = 1000

TimeArg = Union[_dt.datetime, _dt.date, str, None]


def _type_name(value: object) -> str:
    return type(value).__name__


def _check_str(name: str, value: object, *, allow_none: bool = False) -> str:
    if value is None and allow_none:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"{name}: expected str, got {_type_name(value)}")
    if "\x00" in value:
        raise ValueError(f"{name}: contains a NUL character")
    return value


def _check_str_list(name: str, value: object) -> List[str]:
    if value is None:
        return []
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(f"{name}: expected a list of str, got {_type_name(value)}")
    out = []
    for i, item in enumerate(value):
        out.append(_check_str(f"{name}[{i}]", item))
    return out


def _check_int(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name}: expected int, got {_type_name(value)}")
    if not low <= value <= high:
        raise ValueError(f"{name} {value}: must be {low}..{high}")
    return value


def _check_bool(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name}: expected bool, got {_type_name(value)}")
    return value


def _check_path(name: str, value: object) -> str:
    if isinstance(value, _os.PathLike):
        value = _os.fspath(value)
    if not isinstance(value, str):
        raise TypeError(f"{name}: expected str or os.PathLike, got {_type_name(value)}")
    if not value or "\x00" in value:
        raise ValueError(f"{name}: expected a non-empty path without NUL characters")
    return value


def _to_ms(name: str, value: TimeArg, now_ms: int) -> int:
    """Milliseconds since the epoch for a datetime (naive: UTC), a date (its
    midnight UTC) or a string the library parses ('2026-01-31', '30d', '12w')."""
    if value is None:
        return 0
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_dt.timezone.utc)
        return int(value.timestamp() * 1000)
    if isinstance(value, _dt.date):
        return int(_dt.datetime(value.year, value.month, value.day, tzinfo=_dt.timezone.utc).timestamp() * 1000)
    if isinstance(value, str):
        try:
            return int(_core.parse_report_time(value, now_ms))
        except InvalidArgument as e:
            raise InvalidArgument(f"{name}: {e.message}", e.code, e.operation) from None
    raise TypeError(f"{name}: expected datetime, date or str, got {_type_name(value)}")


def supported_languages() -> List[str]:
    """ISO 639-1 codes of the languages with analysis support, e.g. ['nl', 'en', 'sv', 'de']."""
    return list(_core.supported_languages())


class Principal:
    """Who a search runs as: a user, an organisation and roles.

    Ids follow the library's one rule (trimmed, lower-cased, 1-64 characters
    of a-z 0-9 . _ - @); anything else raises InvalidArgument naming the
    argument. Immutable. ``Principal()`` is an anonymous visitor.
    """

    __slots__ = ("_user", "_org", "_roles", "_admin")

    def __init__(self, *, user: Optional[str] = None, org: Optional[str] = None,
                 roles: Optional[Sequence[str]] = None) -> None:
        u, o, r = _core.normalize_principal(_check_str("user", user, allow_none=True),
                                            _check_str("org", org, allow_none=True),
                                            _check_str_list("roles", roles))
        object.__setattr__(self, "_user", u)
        object.__setattr__(self, "_org", o)
        object.__setattr__(self, "_roles", tuple(r))
        object.__setattr__(self, "_admin", False)

    @classmethod
    def admin(cls) -> "Principal":
        """A principal that sees every document, drafts included.

        For administration and evaluation only: never derive it from anything
        a request carries. It is the only way to make one from Python.
        """
        p = cls()
        object.__setattr__(p, "_admin", True)
        return p

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Principal is immutable")

    @property
    def user(self) -> str:
        """The user id ('' when not signed in)."""
        return self._user

    @property
    def org(self) -> str:
        """The organisation id ('' when none)."""
        return self._org

    @property
    def roles(self) -> Tuple[str, ...]:
        """The roles, normalised (duplicates removed)."""
        return self._roles

    @property
    def is_admin(self) -> bool:
        """True only for Principal.admin()."""
        return self._admin

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Principal):
            return NotImplemented
        return (self._user, self._org, self._roles, self._admin) == (other._user, other._org, other._roles, other._admin)

    def __hash__(self) -> int:
        return hash((self._user, self._org, self._roles, self._admin))

    def __repr__(self) -> str:
        if self._admin:
            return "Principal.admin()"
        return f"Principal(user={self._user!r}, org={self._org!r}, roles={list(self._roles)!r})"

    def _args(self) -> Tuple[str, str, List[str], bool]:
        return self._user, self._org, list(self._roles), self._admin


_ANONYMOUS = Principal()


def _principal_args(principal: Optional[Principal]) -> Tuple[str, str, List[str], bool]:
    if principal is None:
        return _ANONYMOUS._args()
    if not isinstance(principal, Principal):
        raise TypeError(f"principal: expected portalkb.Principal or None, got {_type_name(principal)}")
    return principal._args()


class Rejection(NamedTuple):
    """A record that was not indexed: where it came from and why."""

    source: str
    """The file, or '<add>' for documents given to KnowledgeBase.add."""
    line: int
    """1-based line of the file (for add: position in the iterable); 0 when not applicable."""
    reason: str
    """What is wrong, naming the field or limit."""


class AddReport(NamedTuple):
    """What KnowledgeBase.add or add_files did."""

    added: int
    """Documents new to the index."""
    updated: int
    """Documents that replaced one with the same id."""
    rejected: List[Rejection]
    """Records not indexed, each with its reason; the rest were indexed."""
    files: int = 0
    """Files read (add_files)."""
    derived_titles: int = 0
    """Records without a title, titled from their summary or body (add_files)."""


def _json_default(value: object) -> object:
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"a value of type {_type_name(value)} is not a document field value")


def _encode_document(item: object) -> Tuple[Optional[str], Optional[str]]:
    """(JSON text, None) for a dict, or (None, reason) for what cannot be one."""
    if not isinstance(item, Mapping):
        return None, f"expected a dict, got {_type_name(item)}"
    if not isinstance(item, dict):
        item = dict(item)  # json encodes dicts only
    try:
        return _json.dumps(item, ensure_ascii=False, allow_nan=False, default=_json_default), None
    except (TypeError, ValueError) as e:
        return None, str(e)


class ReportRows(List[Dict[str, Any]]):
    """The rows of an analytics report: a list of dicts keyed by column."""

    #: Columns holding ISO dates or UTC date-times, converted to datetimes by to_pandas.
    DATE_COLUMNS = frozenset({"first_seen", "last_seen", "period"})

    def __init__(self, kind: str, title: str, columns: Sequence[str], rows: Iterable[Dict[str, Any]],
                 since: _dt.datetime, until: _dt.datetime) -> None:
        super().__init__(rows)
        self.kind = kind
        """The report kind, e.g. 'zero-results'."""
        self.title = title
        """A human-readable title."""
        self.columns = list(columns)
        """Column names, in order."""
        self.since = since
        """Start of the period (inclusive, UTC)."""
        self.until = until
        """End of the period (exclusive, UTC)."""

    def to_pandas(self) -> Any:
        """The rows as a pandas DataFrame with typed columns: counts as int64,
        rates and shares as float64, first_seen/last_seen (UTC date-times)
        and daily periods (dates) as datetime64; weekly periods ("2026-W05")
        stay text. Raises ImportError when pandas is missing."""
        import pandas as pd  # optional dependency: only this method needs it

        frame = pd.DataFrame(list(self), columns=self.columns)
        for column in self.columns:
            values = [row.get(column) for row in self]
            if values and all(isinstance(v, bool) for v in values):
                continue
            if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
                frame[column] = frame[column].astype("int64")
            elif values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
                frame[column] = frame[column].astype("float64")
            elif column in self.DATE_COLUMNS and values and all(isinstance(v, str) for v in values):
                if all(_re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) for v in values):
                    frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d")
                elif all(_re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", v) for v in values):
                    frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%dT%H:%M:%SZ", utc=True)
        return frame


def _utc(ms: int) -> _dt.datetime:
    return _dt.datetime.fromtimestamp(ms / 1000, tz=_dt.timezone.utc)


class Analytics:
    """The analytics log of a knowledge base: reports, raw events, and
    logging of clicks, feedback and support contacts. Obtain it as
    ``kb.analytics``. Thread-safe."""

    #: Report kinds accepted by report().
    KINDS = ("zero-results", "summary", "top-queries", "low-ctr", "content-gaps", "feedback",
             "support-contacts")

    def __init__(self, kb: "KnowledgeBase") -> None:
        self._kb = kb

    def report(self, kind: str, *, since: TimeArg = "30d", until: TimeArg = None, lang: Optional[str] = None,
               role: Optional[str] = None, limit: int = 50, bucket: str = "day") -> ReportRows:
        """Runs one report (see KINDS) over searches from `since` (inclusive)
        to `until` (exclusive; None: now). Times are datetimes (naive: UTC),
        dates or strings such as '2026-01-31', '30d', '12w'. `lang` and
        `role` narrow to searches in that language or by that role; `bucket`
        ('day' or 'week') groups the summary. Runs with the GIL released."""
        kind = _check_str("kind", kind)
        if kind not in self.KINDS:
            raise ValueError(f"kind {kind!r}: expected one of {', '.join(self.KINDS)}")
        now = int(_core.now_ms())
        since_ms = _to_ms("since", since, now)
        until_ms = _to_ms("until", until, now)
        limit = _check_int("limit", limit, 1, 100000)
        bucket = _check_str("bucket", bucket)
        if bucket not in ("day", "week"):
            raise ValueError(f"bucket {bucket!r}: expected 'day' or 'week'")
        out_kind, title, columns, rows, since_out, until_out = self._kb._native().report(
            kind, since_ms, until_ms, _check_str("lang", lang, allow_none=True),
            _check_str("role", role, allow_none=True), limit, bucket)
        return ReportRows(out_kind, title, columns, (dict(zip(columns, r)) for r in rows),
                          _utc(since_out), _utc(until_out))

    def events(self, *, since: TimeArg = None, until: TimeArg = None, page_size: int = 1000) -> Iterator[Dict[str, Any]]:
        """Iterates the logged searches from `since` to `until`, oldest first,
        as the log holds them: queries redacted, user and org as keyed hashes
        (``user_key``, ``org_key``), ``ts`` a UTC datetime. Reads `page_size`
        events at a time, so a large log is never held in memory."""
        now = int(_core.now_ms())
        since_ms = _to_ms("since", since, now)
        until_ms = _to_ms("until", until, now)
        page_size = _check_int("page_size", page_size, 1, 10000)
        after = 0
        while True:
            page = self._kb._native().events(since_ms, until_ms, after, page_size)
            for event in page:
                event["ts"] = _utc(event["ts_ms"])
                yield event
            if len(page) < page_size:
                return
            after = page[-1]["seq"]

    def log_click(self, query_id: str, doc_id: str, position: int) -> None:
        """Records a click on the hit at 1-based `position` of the search `query_id`."""
        self._kb._native().log_click(_check_str("query_id", query_id), _check_str("doc_id", doc_id),
                                     _check_int("position", position, 1, 1000000))

    def log_feedback(self, doc_id: str, helpful: bool, *, comment: str = "", query_id: Optional[str] = None) -> None:
        """Records a 'was this helpful?' vote on `doc_id`; the comment is redacted before it is written."""
        self._kb._native().log_feedback(_check_str("query_id", query_id, allow_none=True),
                                        _check_str("doc_id", doc_id), _check_bool("helpful", helpful),
                                        _check_str("comment", comment))

    def log_support_contact(self, query_id: str) -> None:
        """Records that the searcher of `query_id` went on to contact support."""
        self._kb._native().log_support_contact(_check_str("query_id", query_id))

    def flush(self) -> None:
        """Writes every queued search event now (searches are logged off the query path)."""
        self._kb._native().flush_log()

    def purge(self, older_than: TimeArg) -> int:
        """Deletes events from before `older_than` (a datetime, date, or '365d');
        returns how many searches were deleted."""
        if older_than is None:
            raise TypeError("older_than: expected datetime, date or str, got NoneType")
        return int(self._kb._native().purge(_to_ms("older_than", older_than, int(_core.now_ms()))))

    def erase_user(self, user: str) -> int:
        """Deletes every event of one user (the id searches ran with); returns how many searches went."""
        return int(self._kb._native().erase_user(_check_str("user", user)))


class Synonyms:
    """The synonym rules stored with a knowledge base (Solr format:
    ``"factuur, rekening"`` or ``"iphone => smartphone"``). Obtain it as
    ``kb.synonyms``. Changes are committed at once (with any pending
    document changes) and apply to every reader without re-indexing."""

    def __init__(self, kb: "KnowledgeBase") -> None:
        self._kb = kb

    def _text(self, rules: Union[str, Iterable[str]]) -> str:
        if isinstance(rules, str):
            return _check_str("rules", rules)
        return "\n".join(_check_str_list("rules", rules))

    def list(self, lang: Optional[str] = None) -> List[SynonymRule]:
        """Every stored rule, or those of `lang`."""
        lang = _check_str("lang", lang, allow_none=True)
        return [r for r in self._kb._native().synonyms() if not lang or r.lang == lang]

    def add(self, rules: Union[str, Iterable[str]], *, lang: str) -> int:
        """Adds rules (a Solr line, or several) for `lang`; returns how many were given.
        InvalidArgument names a malformed rule and stores nothing."""
        return int(self._kb._native().change_synonyms("add", self._text(rules), _check_str("lang", lang)))

    def remove(self, rules: Union[str, Iterable[str]], *, lang: str) -> int:
        """Removes rules of `lang`; returns how many were present."""
        return int(self._kb._native().change_synonyms("remove", self._text(rules), _check_str("lang", lang)))

    def load(self, path: Union[str, "_os.PathLike[str]"], *, lang: Optional[str] = None, replace: bool = False) -> int:
        """Imports a Solr synonyms file. Without `lang`, the language is taken
        from the file name (``synonyms-nl.txt``) or, failing that, the rules
        apply to every language. `replace` drops that language's (or every)
        rule first. Returns the number of rules read."""
        path = _check_path("path", path)
        lang = _check_str("lang", lang, allow_none=True)
        limit = 16 << 20  # kMaxSynonymTextBytes: read one byte past it, so the library names the limit
        with open(path, "rb") as f:
            data = f.read(limit + 1)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise InvalidArgument(f"{path}: not valid UTF-8 at byte {e.start}", "invalid_argument", "synonyms") from None
        if not lang:
            base = _os.path.basename(path)
            stem = _os.path.splitext(base)[0]
            for part in (stem.split("-")[0], stem.split("-")[-1], stem.split("_")[0]):
                if part in _core.supported_languages():
                    lang = part
                    break
        try:
            return int(self._kb._native().change_synonyms("replace" if replace else "add", text, lang))
        except InvalidArgument as e:
            raise InvalidArgument(f"{path}: {e.message}", e.code, e.operation) from None


class Settings(MutableMapping[str, str]):
    """The search settings stored with a knowledge base, as a mapping of
    setting name to its text form (``kb.settings["typo.enabled"] = "false"``).
    Only settings that are set are keys; ``effective()`` gives every
    setting's value in force. Changes are committed at once (with any
    pending document changes)."""

    def __init__(self, kb: "KnowledgeBase") -> None:
        self._kb = kb

    @staticmethod
    def names() -> List[str]:
        """Every setting name."""
        return list(_core.setting_names())

    def effective(self) -> Dict[str, str]:
        """Every setting with the value searches use now."""
        return dict(self._kb._native().effective_settings())

    def _stored(self) -> Dict[str, str]:
        return dict(self._kb._native().stored_settings())

    def __getitem__(self, name: str) -> str:
        return self._stored()[_check_str("name", name)]

    def __setitem__(self, name: str, value: Union[str, bool, int, Sequence[str]]) -> None:
        name = _check_str("name", name)
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, int):
            text = str(value)
        elif isinstance(value, str):
            text = value
        else:
            text = ",".join(_check_str_list("value", value))
        self._kb._native().set_setting(name, text)

    def __delitem__(self, name: str) -> None:
        name = _check_str("name", name)
        if name not in self._stored():
            raise KeyError(name)
        self._kb._native().set_setting(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._stored())

    def __len__(self) -> int:
        return len(self._stored())

    def __repr__(self) -> str:
        return f"Settings({self._stored()!r})"


class KnowledgeBase:
    """An on-disk index: search it, add and delete documents, manage its
    synonyms, settings and analytics.

    Searches may run from any number of threads at once (they release the
    GIL). Changes go through the index's single writer, opened on the first
    change and held until close(): another process cannot write meanwhile
    (Busy). Use it as a context manager: leaving the block commits pending
    changes, unless it is left by an exception, which discards them.
    """

    def __init__(self, native: Any) -> None:
        """Use KnowledgeBase.open or KnowledgeBase.create."""
        self._core = native
        self.synonyms = Synonyms(self)
        """The synonym rules (see Synonyms)."""
        self.settings = Settings(self)
        """The stored search settings, as a mapping (see Settings)."""
        self.analytics = Analytics(self)
        """The analytics log (see Analytics)."""

    @classmethod
    def open(cls, path: Union[str, "_os.PathLike[str]"]) -> "KnowledgeBase":
        """Opens the index at `path`. IndexNotFound when there is none,
        CorruptIndex when it is not a portalkb index of a readable format."""
        return cls(_core.Core.open(_check_path("path", path), False))

    @classmethod
    def create(cls, path: Union[str, "_os.PathLike[str]"], *, exist_ok: bool = False) -> "KnowledgeBase":
        """Creates an empty index at `path` and opens it. AlreadyExists when
        something is at `path` already, unless `exist_ok` (then it is opened,
        and must be a portalkb index)."""
        path = _check_path("path", path)
        if _os.path.exists(path) and not (_os.path.isdir(path) and not _os.listdir(path)):
            if not _check_bool("exist_ok", exist_ok):
                raise AlreadyExists(f"{path}: exists already", "already_exists", "create")
            return cls.open(path)
        return cls(_core.Core.open(path, True))

    def _native(self) -> Any:
        return self._core

    @property
    def path(self) -> str:
        """The index directory."""
        return str(self._core.path)

    @property
    def closed(self) -> bool:
        """True after close()."""
        return bool(self._core.closed)

    def close(self) -> None:
        """Releases the index (and the writer's lock). Uncommitted changes are
        discarded; call commit() first to keep them. Idempotent."""
        self._core.close()

    def __enter__(self) -> "KnowledgeBase":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        try:
            if exc_type is None and not self.closed:
                self.commit()
        finally:
            self.close()

    def __repr__(self) -> str:
        return f"KnowledgeBase({self.path!r}{', closed' if self.closed else ''})"

    def accounts(self, *, key_file: Union[str, "_os.PathLike[str]"], **options: Any) -> "_Accounts":
        """Opens (creating them when missing) the accounts store and the audit
        trail beside this index: a :class:`portalkb.accounts.Accounts`.
        `key_file` seals the personal fields (see
        portalkb.accounts.create_key_file; mode 600, else PermissionDenied).
        Keyword options, with the library's defaults: previous_key_files
        (for rotate_key), pwhash_opslimit=2 and pwhash_memlimit=64 MiB
        (Argon2id cost; libsodium's minimums are 1 and 8192),
        min_password_length=12, max_password_bytes=1024,
        breached_passwords_file, lockout_threshold=5,
        lockout_base_seconds=30, lockout_max_seconds=3600,
        session_ttl_seconds=8 h, session_idle_seconds=30 min,
        reset_token_ttl_seconds=3600, org_admin_role='customer-admin',
        totp_required_roles=(), rotation_batch=200,
        audit_retention_days=365, clock (a callable returning seconds since
        the epoch; None: the system clock)."""
        return accounts._open(self, key_file=key_file, **options)

    def stats(self) -> Dict[str, Any]:
        """Counts over the whole index: documents, by_type, by_lang, terms, bytes."""
        return dict(self._core.stats())

    def search(self, query: str, *, principal: Optional[Principal] = None, filters: Optional[Sequence[str]] = None,
               facets: Optional[Sequence[str]] = None, sort: Optional[str] = None, limit: int = 10,
               offset: int = 0, lang: Optional[str] = None, session: Optional[str] = None, typos: bool = True,
               prefix: bool = True, correct: bool = True, log: bool = True) -> SearchResult:
        """Searches as `principal` (None: anonymous). Only documents it may
        see take part in hits, totals, facets, snippets and corrections.

        filters: expressions such as "category=Billing", "tags=a|b",
        "updated_at>=2026-01-01", "!lang=sv" (ANDed). facets: fields to count.
        sort: "relevance", "updated_at" or a numeric field, with ":asc" or
        ":desc". lang: only documents in that language. session: a
        pseudonymous id for analytics. typos/prefix/correct: switch off typo
        tolerance, prefix completion of the last word, "did you mean"
        retries; log=False keeps the search out of the analytics log.
        InvalidQuery for a request the library refuses. Releases the GIL.
        """
        user, org, roles, admin = _principal_args(principal)
        return self._core.search(
            _check_str("query", query), user, org, roles, admin, _check_str_list("filters", filters),
            _check_str_list("facets", facets), _check_str("sort", sort, allow_none=True),
            _check_int("limit", limit, 0, 1 << 31), _check_int("offset", offset, 0, 1 << 31),
            _check_str("lang", lang, allow_none=True), _check_str("session", session, allow_none=True),
            _check_bool("typos", typos), _check_bool("prefix", prefix), _check_bool("correct", correct),
            _check_bool("log", log))

    def suggest(self, prefix: str, *, principal: Optional[Principal] = None, lang: Optional[str] = None,
                limit: int = 10) -> List[Suggestion]:
        """Search-as-you-type completions of `prefix`: titles `principal` may
        see, then frequent successful queries. Releases the GIL."""
        user, org, roles, admin = _principal_args(principal)
        return list(self._core.suggest(_check_str("prefix", prefix), user, org, roles, admin,
                                       _check_str("lang", lang, allow_none=True), _check_int("limit", limit, 0, 1 << 31)))

    def related(self, id: str, *, principal: Optional[Principal] = None, limit: int = 5) -> List[Hit]:
        """Documents like `id` that `principal` may see. NotFound when `id`
        does not exist or is not visible to `principal` (indistinguishable on
        purpose). Releases the GIL."""
        user, org, roles, admin = _principal_args(principal)
        return list(self._core.related(_check_str("id", id), user, org, roles, admin,
                                       _check_int("limit", limit, 0, 1 << 31)))

    def add(self, documents: Union[Mapping[str, Any], Iterable[Mapping[str, Any]]], *,
            batch_size: int = ADD_BATCH_SIZE) -> AddReport:
        """Adds (or replaces, by id) documents: one dict or any iterable of
        dicts with the keys of a JSON Lines record (id, type, title, summary,
        body, lang, tags, category, updated_at, url, visibility, status,
        publish_at, unpublish_at, and further fields). Dates may be
        datetime/date objects.

        The iterable is consumed `batch_size` documents at a time (taken with
        the GIL held, indexed with it released), so a generator of any length
        is never held in memory; the library commits every 5,000 changes to
        bound its own memory, and commit() makes the rest visible.
        Records that are not valid come back in ``rejected`` as
        (source '<add>', 1-based position, reason); the others are indexed.
        """
        if isinstance(documents, Mapping):
            documents = [documents]
        elif isinstance(documents, (str, bytes)) or not isinstance(documents, Iterable):
            raise TypeError(f"documents: expected a dict or an iterable of dicts, got {_type_name(documents)}")
        batch_size = _check_int("batch_size", batch_size, 1, 100000)
        added = updated = 0
        rejected: List[Rejection] = []
        position = 0
        iterator = iter(documents)
        while True:
            batch = list(_itertools.islice(iterator, batch_size))
            if not batch:
                break
            lines: List[str] = []
            first = position + 1
            for item in batch:
                position += 1
                text, reason = _encode_document(item)
                if text is None:
                    # Keeps positions aligned: the library rejects the placeholder, we keep our reason.
                    rejected.append(Rejection("<add>", position, str(reason)))
                    text = ""
                lines.append(text)
            del batch
            a, u, rej = self._core.add_json(lines, first, "<add>")
            added += a
            updated += u
            rejected.extend(Rejection(*r) for r in rej if lines[r[1] - first])
        rejected.sort(key=lambda r: r.line)
        return AddReport(int(added), int(updated), rejected)

    def add_files(self, paths: Union[str, "_os.PathLike[str]", Iterable[Union[str, "_os.PathLike[str]"]]], *,
                  progress: Optional[Callable[[int, int, int], Any]] = None) -> AddReport:
        """Reads and indexes files and directories (recursively: .jsonl, .md,
        .html, .pdf, .txt, with sidecar metadata), then commits. `progress`
        is called after each file with (files_done, files_total,
        documents_indexed); an exception it raises is re-raised once the
        files are indexed. Bad records come back in ``rejected``. Releases
        the GIL while indexing."""
        if isinstance(paths, (str, _os.PathLike)):
            path_list = [_check_path("paths", paths)]
        elif isinstance(paths, Iterable) and not isinstance(paths, bytes):
            path_list = [_check_path(f"paths[{i}]", p) for i, p in enumerate(paths)]
        else:
            raise TypeError(f"paths: expected a path or an iterable of paths, got {_type_name(paths)}")
        if progress is not None and not callable(progress):
            raise TypeError(f"progress: expected a callable or None, got {_type_name(progress)}")
        d = self._core.add_files(path_list, progress)
        return AddReport(int(d["added"]), int(d["updated"]), [Rejection(*r) for r in d["rejected"]],
                         int(d["files"]), int(d["derived_titles"]))

    def delete(self, ids: Union[str, Iterable[str]]) -> int:
        """Deletes documents by id; returns how many existed. Visible at commit()."""
        id_list = [_check_str("ids", ids)] if isinstance(ids, str) else _check_str_list("ids", ids)
        return int(self._core.delete(id_list))

    def commit(self) -> None:
        """Makes every change so far visible to readers, atomically."""
        self._core.commit()


# Last: portalkb.keys and portalkb.accounts use Principal and the argument checks above.
from . import accounts, keys  # noqa: E402
