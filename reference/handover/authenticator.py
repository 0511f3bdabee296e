"""The FBU / FBack authenticator of the BADF option (RFC 5568 §6.4.5, RFC 3775 §6.2.7).

RFC 5568 §6.4.5 reuses RFC 3775's Binding Authorization Data computation
with the correspondent replaced by the PAR's address and Kbm by the handover
key; the MAC algorithm and its truncation are those the AT field named
(RFC5269-3.4-M3, RFC5269-3.5-M2, RFC5568-10-M3):

    Mobility Data  = care-of address | PAR address | MH Data
    Authenticator  = first mac_length octets of HMAC(handover key, Mobility Data)

Inputs, exactly:

* ``care_of_address`` — 16 octets. Which address this is (NCoA, PCoA or the
  packet's source) is the caller's choice under the ``authenticator_coa``
  switch (clarification CL-06).
* ``par_address`` — 16 octets: the PAR's address, RFC 3775's "correspondent".
* ``mh_data`` — the Mobility Header as transmitted, from the Payload Proto
  octet up to and including the BADF option's SPI field, i.e. the whole
  Mobility Header minus the trailing Authenticator field (the BADF option is
  last and has no padding after it: RFC3775-6.2-M1, RFC3775-6.2-M2), with the
  16-bit Checksum field (octets 4-5) set to zero (RFC 3775 §6.2.7). Header
  Len, the BADF Type, Option Length and SPI are included as sent, so they
  already count the Authenticator that is left out. The IPv6 header and the
  Home Address option are not part of it.

Verification compares in constant time (:func:`hmac.compare_digest`).
"""

from __future__ import annotations

import hmac
import ipaddress

from rfc5269.errors import ConfigurationError
from rfc5269.handover.algorithms import AuthAlgorithm

Address = ipaddress.IPv6Address | bytes


def _packed(address: Address) -> bytes:
    raw = address.packed if isinstance(address, ipaddress.IPv6Address) else bytes(address)
    if len(raw) != 16:
        raise ConfigurationError("an IPv6 address is 16 octets")
    return raw


def mobility_data(care_of_address: Address, par_address: Address, mh_data: bytes) -> bytes:
    """care-of address | PAR address | MH Data (RFC 3775 §6.2.7, RFC 5568 §6.4.5)."""
    return _packed(care_of_address) + _packed(par_address) + bytes(mh_data)


def compute_authenticator(
    handover_key: bytes,
    algorithm: AuthAlgorithm,
    care_of_address: Address,
    par_address: Address,
    mh_data: bytes,
) -> bytes:
    """The BADF Authenticator: truncated HMAC over the Mobility Data."""
    if len(handover_key) != algorithm.key_length:
        raise ConfigurationError(
            f"{algorithm.name} takes a {algorithm.key_length}-octet key, "
            f"not {len(handover_key)}")
    mac = hmac.new(handover_key, mobility_data(care_of_address, par_address, mh_data),
                   algorithm.hash_name).digest()
    return mac[: algorithm.mac_length]


def verify_authenticator(
    handover_key: bytes,
    algorithm: AuthAlgorithm,
    care_of_address: Address,
    par_address: Address,
    mh_data: bytes,
    authenticator: bytes,
) -> bool:
    """Whether ``authenticator`` is right for these inputs (constant-time comparison).

    An authenticator of any other length than the algorithm's MAC length is
    wrong (a truncated tag must not pass).
    """
    expected = compute_authenticator(
        handover_key, algorithm, care_of_address, par_address, mh_data)
    return hmac.compare_digest(expected, bytes(authenticator))


def zero_checksum(mobility_header: bytes) -> bytes:
    """The Mobility Header with its Checksum field (octets 4-5) set to zero."""
    if len(mobility_header) < 6:
        raise ConfigurationError("a Mobility Header has at least 6 octets")
    return mobility_header[:4] + b"\x00\x00" + mobility_header[6:]
