"""Handover key cryptography of RFC 5269 (sans-IO, randomness injected).

* :mod:`~rfc5269.handover.algorithms` — the AT field and its algorithms, ``resolve_at`` (§3.2)
* :mod:`~rfc5269.handover.keygen` — handover key generation on the AR (§3.6)
* :mod:`~rfc5269.handover.encryption` — HKEPK checks, RSAES-PKCS1-v1_5 (§3.2, §4.1, §4.2)
* :mod:`~rfc5269.handover.hkepk` — the MN's HKE key pair and its rotation (§3.1, §3.7)
* :mod:`~rfc5269.handover.authenticator` — the BADF authenticator (RFC 5568 §6.4.5)
"""

from rfc5269.handover.algorithms import (
    ALGORITHMS,
    CODEPOINTS,
    HMAC_SHA1_96,
    HMAC_SHA256_128,
    AuthAlgorithm,
    algorithm_for_at,
    at_for_algorithm,
    is_weaker,
    resolve_at,
    strength_of,
)
from rfc5269.handover.authenticator import (
    compute_authenticator,
    mobility_data,
    verify_authenticator,
    zero_checksum,
)
from rfc5269.handover.encryption import (
    DECRYPTION_FAILED,
    DecryptionFailure,
    HkepkCheck,
    HkepkProblem,
    check_hkepk,
    decrypt_handover_key,
    encrypt_handover_key,
)
from rfc5269.handover.hkepk import HkepkKeyPair, HkepkManager, KeyFactory, generate_rsa_key
from rfc5269.handover.keygen import Rng, generate_handover_key

__all__ = [
    "ALGORITHMS",
    "CODEPOINTS",
    "DECRYPTION_FAILED",
    "HMAC_SHA1_96",
    "HMAC_SHA256_128",
    "AuthAlgorithm",
    "DecryptionFailure",
    "HkepkCheck",
    "HkepkKeyPair",
    "HkepkManager",
    "HkepkProblem",
    "KeyFactory",
    "Rng",
    "algorithm_for_at",
    "at_for_algorithm",
    "check_hkepk",
    "compute_authenticator",
    "decrypt_handover_key",
    "encrypt_handover_key",
    "generate_handover_key",
    "generate_rsa_key",
    "is_weaker",
    "mobility_data",
    "resolve_at",
    "strength_of",
    "verify_authenticator",
    "zero_checksum",
]
