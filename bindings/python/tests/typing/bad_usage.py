"""Misuse that mypy must report: each line marked BAD is one error."""
import portalkb

kb = portalkb.KnowledgeBase.open("kb")
kb.search(42)  # BAD: query is str
kb.search("x", limit="10")  # BAD: limit is int
kb.search("x", principal="admin")  # BAD: a Principal
portalkb.Principal(admin=True)  # BAD: no admin argument
n: str = kb.search("x").total  # BAD: total is int
kb.analytics.report("zero-results", since=3)  # BAD: not a time
portalkb.keys.mint("s" * 32, key_id="k1", ttl="1h")  # BAD: ttl is seconds or a timedelta
portalkb.keys.verify("pkb1.x", ["k1"])  # BAD: secrets is a mapping
portalkb.keys.verify("pkb1.x", {}).expires_at = None  # BAD: frozen, and a datetime
kb.accounts(key_file="k", pwhash_opslimit="1")  # BAD: an int
kb.accounts(key_file="k").login("a@b.example", "pw").user = "x"  # BAD: frozen
kb.accounts(key_file="k").approve_request("u-1")  # BAD: admin (or None for the operator) is required
