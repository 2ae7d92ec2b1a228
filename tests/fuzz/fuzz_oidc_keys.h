// Written by tests/fuzz/make_oidc_token_seeds.py with the seeds in
// corpus/fuzz_oidc_token/; run it again rather than editing. Fuzz-only
// keys, trusted nowhere else: the RSA private key was thrown away, the EC
// private scalar signs the target's own tokens.
#pragma once

namespace portalkb::fuzz {

// The JWKS every token mode verifies against: fuzz-rsa (RS256), fuzz-ec
// (ES256) and fuzz-ec-2 (EC, no alg).
inline constexpr const char* kOidcJwks =
    "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"fuzz-rsa\",\"use\":\"sig\",\"alg\":\"RS256\",\"n\":"
    "\"rRS7URolQFSQOSvNymalcsT166Io27wNDcQFYGVCoS_9C0LUxKWgeTt2O1lPiNZGvGFVa4H-X7YpYGFE4jLIQjK_"
    "BObXCfcNKqMwD0Btq9kNbsVjk6jrcjoYs3W4XYtSqU7CInUcSeSg2bsh2RMMuzdVQBeb1AbXpwpxXPpE-"
    "WFnU6jyY4jCh7nJMbFRYdW1PkBxoGg53RTKVAGzyv5o_zRcL8DPE8clRx-AdY00vOKj2SjhNZE4Ds8z7pV5ccyMUHR_"
    "m8vM0K7sjFUCYqSRfqiSvthcmRe6rTP4CiK08foM6fAyC5bxNiHF1sbIRA83_HVOBGexNCwwy9i8Y15r9w\",\"e\":\"AQAB\"},{\"kty\":"
    "\"EC\",\"kid\":\"fuzz-ec\",\"use\":\"sig\",\"alg\":\"ES256\",\"crv\":\"P-256\",\"x\":"
    "\"HCqux7UFidHh0uDNRjUV8nV3Ylge6f-0LcmCRFDyKaM\",\"y\":\"7ozP4UNxH6dfunxM8AgKuNArkvogdlDZ1LZ8XwNq91k\"},{\"kty\":"
    "\"EC\",\"kid\":\"fuzz-ec-2\",\"crv\":\"P-256\",\"x\":\"-SCWfprdMnvGUDksBpoto081uYkKTdpb2Ov9WcJEfd8\",\"y\":"
    "\"dsDuF86mRbj0BYVx-N55LVGM1M-rN8F3_sE3pVewiJY\"}]}";

// fuzz-ec's private scalar, base64url.
inline constexpr const char* kOidcEcPrivate = "O-bB46Xllr0Bry-55ywV_r07kqfC0krP5zF-qsI0AsA";

// A token signed by fuzz-rsa that verifies against kOidcJwks.
inline constexpr const char* kOidcRs256Token =
    "eyJhbGciOiJSUzI1NiIsImtpZCI6ImZ1enotcnNhIiwidHlwIjoiSldUIn0."
    "eyJpc3MiOiJodHRwczovL2xvZ2luLmV4YW1wbGUuY29tL3JlYWxtcy9wb3J0YWwiLCJhdWQiOiJwb3J0YWwtd2ViIiwic3ViIjoiQWxpY2UiLCJleH"
    "AiOjE3NTAwMDAzMDAsImlhdCI6MTc0OTk5OTk5MCwibmJmIjoxNzQ5OTk5OTkwLCJvcmdfaWQiOiJhY21lIiwicm9sZXMiOlsiY3VzdG9tZXIiLCJm"
    "aW5hbmNlIl19.SdhasbSTnoFOUVsja3ZhLQfrGEQulYbnVoHrYhhicRK5PFTAVqcQcpooLO3m-NDmwipftikaEyE3Mjs4NGMu_"
    "bEltPEoQ6Ll04BKydofPmWeINjCREFq8Tb9GsiZuwQ70jbf1f_zvEKjD02Yj-GAdvPb13MjcJr_zuXl53MAc-SpLsA1JUIb2oZGsm7YHPy1_"
    "8xvMCCwLWinxpqk561GsaTAfy3-F9ZPAoILXO9YRyhkFr1A4PYhH6xdwM4ttSISd-UppWg1SGHEK_X2NFQt_J7yHzNfcm25wb2lb-3xQq2J_glLp-"
    "RJ0994B6dGzy5HFHJ3RFlxNEkbe1nMdrNiPg";

}  // namespace portalkb::fuzz
