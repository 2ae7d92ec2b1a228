"""Typical use of portalkb; must type-check under mypy --strict."""
import datetime
from typing import Dict, List

import portalkb


def top_ids(kb: portalkb.KnowledgeBase, query: str) -> List[str]:
    result: portalkb.SearchResult = kb.search(query, principal=portalkb.Principal(org="acme", roles=["finance"]),
                                              facets=["tags"], limit=5)
    counts: Dict[str, int] = {c.value: c.count for c in result.facets.get("tags", [])}
    assert all(n >= 0 for n in counts.values())
    corrected: str = result.corrected_query or query
    return [h.id for h in result.hits if h.title and corrected]


def index(path: str) -> int:
    with portalkb.KnowledgeBase.create(path, exist_ok=True) as kb:
        report = kb.add({"id": str(i), "lang": "en", "visibility": ["public"]} for i in range(3))
        for source, line, reason in report.rejected:
            print(source, line, reason)
        kb.synonyms.add("a, b", lang="en")
        kb.settings["typo.enabled"] = True
        rows = kb.analytics.report("zero-results", since="7d")
        total: int = sum(int(r["count"]) for r in rows)
        return report.added + total


try:
    index("/nonexistent/kb")
except portalkb.Error as e:
    print(e.code, e.message)


def browser_key(secrets_path: str, user: str) -> str:
    secrets = portalkb.keys.load_secrets(secrets_path)
    token = portalkb.keys.mint(secrets["k1"], key_id="k1", principal=portalkb.Principal(user=user),
                               ttl=datetime.timedelta(minutes=30))
    claims: portalkb.keys.KeyClaims = portalkb.keys.verify(token, secrets)
    expires: datetime.datetime = claims.expires_at
    assert claims.principal.user == user and expires.tzinfo is not None
    return token


def sign_in(kb: portalkb.KnowledgeBase, key_file: str, email: str, password: str) -> List[str]:
    with kb.accounts(key_file=key_file, pwhash_opslimit=1, session_idle_seconds=600) as accounts:
        session: portalkb.accounts.Session = accounts.login(email, password)
        principal: portalkb.Principal = accounts.principal_for_session(session.token)
        user: portalkb.accounts.User = accounts.get_user(session.user)
        roles: List[str] = list(user.roles) + [g.name for g in accounts.list_groups()]
        export: Dict[str, object] = accounts.export_user(user.id)
        report: portalkb.accounts.ErasureReport = accounts.erase_user(user.id, delete_own_documents=True)
        return [h.id for h in kb.search("x", principal=principal).hits] + roles + list(export) + list(
            report.own_documents)
