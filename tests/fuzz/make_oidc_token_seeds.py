#!/usr/bin/env python3
"""Writes the key set and the seed corpus of fuzz_oidc_token.

    tests/fuzz/make_oidc_token_seeds.py   # needs python3-cryptography

Makes fresh fuzz-only keys (an RSA 2048 key, an EC P-256 key and a second
EC public key), writes their public JWKs, the EC private scalar and one
RS256 token into tests/fuzz/fuzz_oidc_keys.h, and signs the token seeds in
tests/fuzz/corpus/fuzz_oidc_token/ with them. The RSA private key is thrown
away: the target signs its own tokens with the EC key only (an RSA signature
costs a millisecond, too slow per execution). Run it again and both files
change together; the keys are trusted nowhere but in the fuzz target.

The seed layout follows the target's modes (byte 0 % 5): 0 a JWKS document,
1 a token to verify, 2 a token to peek at, 3 claims JSON (byte 1 picks the
mapping), 4 header NUL payload to be signed (byte 1 picks the byte the
tamper check changes).
"""

import base64
import json
import os
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

ROOT = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(ROOT, "corpus", "fuzz_oidc_token")
HEADER = os.path.join(ROOT, "fuzz_oidc_keys.h")

# Must match the fixed TokenVerifyOptions of fuzz_oidc_token.cc.
ISSUER = "https://login.example.com/realms/portal"
AUDIENCE = "portal-web"
NOW = 1750000000


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def uint_bytes(n, length=None):
    length = length or (n.bit_length() + 7) // 8
    return n.to_bytes(length, "big")


def compact(value):
    return json.dumps(value, separators=(",", ":"))


rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
ec_key = ec.generate_private_key(ec.SECP256R1())
ec_other = ec.generate_private_key(ec.SECP256R1()).public_key()

rsa_pub = rsa_key.public_key().public_numbers()
ec_pub = ec_key.public_key().public_numbers()
ec_other_pub = ec_other.public_numbers()

rsa_jwk = {"kty": "RSA", "kid": "fuzz-rsa", "use": "sig", "alg": "RS256",
           "n": b64(uint_bytes(rsa_pub.n)), "e": b64(uint_bytes(rsa_pub.e))}
ec_jwk = {"kty": "EC", "kid": "fuzz-ec", "use": "sig", "alg": "ES256", "crv": "P-256",
          "x": b64(uint_bytes(ec_pub.x, 32)), "y": b64(uint_bytes(ec_pub.y, 32))}
# No alg and no use: the set says nothing but the curve.
ec_other_jwk = {"kty": "EC", "kid": "fuzz-ec-2", "crv": "P-256",
                "x": b64(uint_bytes(ec_other_pub.x, 32)), "y": b64(uint_bytes(ec_other_pub.y, 32))}
jwks = {"keys": [rsa_jwk, ec_jwk, ec_other_jwk]}


def sign(header, claims, key=None):
    header_text = header if isinstance(header, str) else compact(header)
    claims_text = claims if isinstance(claims, str) else compact(claims)
    signing_input = (b64(header_text.encode()) + "." + b64(claims_text.encode())).encode()
    key = key or (rsa_key if json.loads(header_text).get("alg") == "RS256" else ec_key)
    if isinstance(key, rsa.RSAPrivateKey):
        signature = key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    else:
        r, s = decode_dss_signature(key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        signature = uint_bytes(r, 32) + uint_bytes(s, 32)
    return signing_input.decode() + "." + b64(signature)


def claims(**changes):
    out = {"iss": ISSUER, "aud": AUDIENCE, "sub": "Alice", "exp": NOW + 300, "iat": NOW - 10,
           "nbf": NOW - 10, "org_id": "acme", "roles": ["customer", "finance"]}
    for name, value in changes.items():
        if value is None:
            out.pop(name, None)
        else:
            out[name] = value
    return out


RS = {"alg": "RS256", "kid": "fuzz-rsa", "typ": "JWT"}
ES = {"alg": "ES256", "kid": "fuzz-ec", "typ": "JWT"}
rs256_token = sign(RS, claims())

tokens = {
    "rs256": rs256_token,
    "es256": sign(ES, claims()),
    "rs256-no-kid": sign({"alg": "RS256"}, claims(aud=["other-app", AUDIENCE])),
    "es256-no-kid": sign({"alg": "ES256"}, claims()),
    "es256-expired": sign(ES, claims(exp=NOW - 3600)),
    "es256-wrong-aud": sign(ES, claims(aud="someone-else")),
    "es256-wrong-iss": sign(ES, claims(iss="https://evil.example.com")),
    "es256-future-nbf": sign(ES, claims(nbf=NOW + 3600)),
    "es256-no-exp": sign(ES, claims(exp=None)),
    "es256-crit": sign({"alg": "ES256", "kid": "fuzz-ec", "crit": ["b64"], "b64": False}, claims()),
    "es256-kid-of-rsa": sign({"alg": "ES256", "kid": "fuzz-rsa"}, claims()),
    "es256-kid-without-alg": sign({"alg": "ES256", "kid": "fuzz-ec-2"}, claims()),
    "none": b64(compact({"alg": "none"}).encode()) + "." + b64(compact(claims()).encode()) + ".",
    "hs256": b64(compact({"alg": "HS256", "kid": "fuzz-rsa"}).encode()) + "." +
             b64(compact(claims()).encode()) + "." + b64(b"\x01" * 32),
    "jwe": "eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d",
}

claims_seeds = {
    "default": (0, claims()),
    "keycloak": (1, {"sub": "u-1", "tenant": "Acme", "realm_access": {"roles": ["Editor", "customer"]}}),
    "scope": (2, {"email": "alice@example.com", "scope": "openid profile finance"}),
    "admin": (0, claims(admin=True, roles=["admin"], is_admin=True)),
    "bad-id": (0, claims(sub="alice:admin", org_id="a/b")),
    "wrong-types": (0, claims(sub=7, roles={"a": 1})),
}

bad_jwks = {
    "foreign-keys": {"keys": [{"kty": "oct", "k": "AAAA"}, {"kty": "OKP", "crv": "Ed25519", "x": "AAAA"},
                              {"kty": "EC", "crv": "P-384", "x": "AA", "y": "AA"},
                              dict(rsa_jwk, use="enc"), ec_jwk]},
    "repeated-kid": {"keys": [ec_jwk, dict(ec_other_jwk, kid="fuzz-ec")]},
    "small-rsa": {"keys": [dict(rsa_jwk, n=b64(b"\xc1" * 128))]},
    "off-curve": {"keys": [dict(ec_jwk, y=b64(b"\x01" * 32))]},
    "not-keys": {"kids": []},
}


def write(name, data):
    with open(os.path.join(CORPUS, name), "wb") as f:
        f.write(data)


def main():
    os.makedirs(CORPUS, exist_ok=True)
    for name in os.listdir(CORPUS):
        if not name.startswith("regress-"):
            os.remove(os.path.join(CORPUS, name))
    write("jwks-fixed", b"\x00" + compact(jwks).encode())
    for name, doc in bad_jwks.items():
        write("jwks-" + name, b"\x00" + compact(doc).encode())
    for name, token in tokens.items():
        write("token-" + name, b"\x01" + token.encode())
    write("peek-es256", b"\x02" + tokens["es256"].encode())
    write("peek-no-kid", b"\x02" + tokens["rs256-no-kid"].encode())
    for name, (mapping, doc) in claims_seeds.items():
        write("claims-" + name, b"\x03" + bytes([mapping]) + compact(doc).encode())
    write("sign-good", b"\x04\x07" + compact(ES).encode() + b"\x00" + compact(claims()).encode())
    write("sign-no-kid", b"\x04\x30" + compact({"alg": "ES256"}).encode() + b"\x00" + compact(claims()).encode())
    write("sign-aud-array",
          b"\x04\x52" + compact({"kid": "fuzz-ec", "alg": "ES256"}).encode() + b"\x00" +
          compact(claims(aud=["x", "other-app"], nbf=None, iat=None)).encode())
    write("sign-expired", b"\x04\x11" + compact(ES).encode() + b"\x00" + compact(claims(exp=NOW - 61)).encode())

    def quoted(text):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    with open(HEADER, "w") as f:
        f.write("// Written by tests/fuzz/make_oidc_token_seeds.py with the seeds in\n"
                "// corpus/fuzz_oidc_token/; run it again rather than editing. Fuzz-only\n"
                "// keys, trusted nowhere else: the RSA private key was thrown away, the EC\n"
                "// private scalar signs the target's own tokens.\n"
                "#pragma once\n\n"
                "namespace portalkb::fuzz {\n\n")
        f.write("// The JWKS every token mode verifies against: fuzz-rsa (RS256), fuzz-ec\n"
                "// (ES256) and fuzz-ec-2 (EC, no alg).\n")
        f.write("inline constexpr const char* kOidcJwks =\n    %s;\n\n" % quoted(compact(jwks)))
        f.write("// fuzz-ec's private scalar, base64url.\n")
        f.write("inline constexpr const char* kOidcEcPrivate = %s;\n\n" %
                quoted(b64(uint_bytes(ec_key.private_numbers().private_value, 32))))
        f.write("// A token signed by fuzz-rsa that verifies against kOidcJwks.\n")
        f.write("inline constexpr const char* kOidcRs256Token =\n    %s;\n\n" % quoted(rs256_token))
        f.write("}  // namespace portalkb::fuzz\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
