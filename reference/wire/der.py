"""The little DER a codec needs: where a DER element ends (ITU-T X.690 §8.1, §10.1).

The CGA Parameters (RFC 3972 §3), the Handover Key Request option (RFC 5269
§4.1) and the Certificate option (RFC 3971 §6.4.4) carry DER elements with
no separate length field; their extent is read from the element's own
header. Only the outer tag and length are read here; the content is left to
``cryptography``.
"""

from __future__ import annotations

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.serialization import load_der_public_key
from rfc5269.errors import DecodeError

SEQUENCE = 0x30
_MAX_LENGTH_OCTETS = 4


def der_element_length(data: bytes, offset: int, field: str, ref: str) -> int:
    """Total length (header and content) of the DER element at ``data[offset:]``.

    The element must be a SEQUENCE with a definite, minimally encoded length
    (DER, X.690 §10.1) that fits in ``data``.
    """
    n = len(data) - offset
    if n < 2:
        raise DecodeError(field, "DER element header truncated", ref)
    if data[offset] != SEQUENCE:
        raise DecodeError(field, f"DER element must be a SEQUENCE (0x30), is 0x{data[offset]:02x}",
                          ref)
    first = data[offset + 1]
    if first < 0x80:
        header, length = 2, first
    else:
        count = first & 0x7F
        if count == 0:
            raise DecodeError(field, "indefinite DER length is not allowed", ref)
        if count > _MAX_LENGTH_OCTETS:
            raise DecodeError(field, f"DER length of {count} octets is too long", ref)
        if n < 2 + count:
            raise DecodeError(field, "DER length octets truncated", ref)
        length = int.from_bytes(data[offset + 2: offset + 2 + count], "big")
        if length < 0x80 or data[offset + 2] == 0:
            raise DecodeError(field, "DER length is not minimally encoded", ref)
        header = 2 + count
    total = header + length
    if total > n:
        raise DecodeError(field, f"DER element of {total} octets overruns the {n} available", ref)
    return total


def require_subject_public_key_info(key: bytes, field: str, ref: str) -> None:
    """Raise DecodeError unless ``key`` parses as a DER SubjectPublicKeyInfo."""
    try:
        load_der_public_key(key)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise DecodeError(field, f"not a DER SubjectPublicKeyInfo ({type(exc).__name__})",
                          ref) from None
