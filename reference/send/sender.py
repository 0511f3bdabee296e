"""What a SEND sender adds to a message (RFC 3971 §5.1.1, §5.2.1, §5.3.3).

A sender puts a CGA option, a Timestamp option and — in a solicitation, or
an advertisement answering one — a Nonce option among the message's options,
encodes the message, and hands the octets to
:func:`rfc5269.send.signature.sign_message`, which appends the RSA Signature
option last. :func:`send_options` builds the three options;
:class:`SendIdentity` bundles a node's key and CGA.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

from cryptography.hazmat.primitives.asymmetric import rsa
from rfc5269.interpretations import SignedChecksum
from rfc5269.send.cga import CgaGenerated, CgaParameterFields
from rfc5269.send.keys import key_hash, public_key_der
from rfc5269.send.signature import DEFAULT_SIGNED_CHECKSUM, sign_message
from rfc5269.send.timestamps import timestamp_now
from rfc5269.wire.cga_params import CgaParameters
from rfc5269.wire.ndopt import CgaOption, NdOption, NonceOption, TimestampOption


def wire_parameters(params: CgaParameterFields | CgaParameters) -> CgaParameters:
    """The codec's CgaParameters for generated parameters."""
    if isinstance(params, CgaParameters):
        return params
    return CgaParameters.decode(params.structure)


def send_options(now: float | Fraction, cga_parameters: CgaParameterFields | CgaParameters | None,
                 nonce: bytes | None = None) -> tuple[NdOption, ...]:
    """CGA, Timestamp and (if given) Nonce options for a message sent at ``now``.

    RFC 3971 §5.1.1 (CGA option), §5.3.3 (Timestamp set to the current time;
    Nonce in solicitations and copied into answers).
    """
    out: list[NdOption] = []
    if cga_parameters is not None:
        out.append(CgaOption(wire_parameters(cga_parameters)))
    out.append(TimestampOption(timestamp_now(now)))
    if nonce is not None:
        out.append(NonceOption(nonce))
    return tuple(out)


@dataclass(frozen=True)
class SendIdentity:
    """A node's SEND signing identity: RSA key and the CGA generated from it.

    What follows from the key and the CGA alone — the decoded CGA Parameters
    and the Key Hash (RFC 3971 §5.2) — is derived once, on first use, and
    kept with the identity (both fields are fixed, so it stays true).
    """

    private_key: rsa.RSAPrivateKey
    cga: CgaGenerated

    @property
    def address(self) -> ipaddress.IPv6Address:
        return self.cga.address

    @cached_property
    def parameters(self) -> CgaParameters:
        """The CGA Parameters as the codec's structure (RFC 3971 §5.1)."""
        return wire_parameters(self.cga.parameters)

    @cached_property
    def key_hash(self) -> bytes:
        """The Key Hash naming this node's public key in its RSA Signature options."""
        return key_hash(public_key_der(self.private_key))

    @cached_property
    def cga_option_octets(self) -> bytes:
        """This node's CGA option, encoded (the same in every message it sends)."""
        return CgaOption(self.parameters).encode()

    def options(self, now: float | Fraction, nonce: bytes | None = None) -> tuple[NdOption, ...]:
        """The CGA, Timestamp and Nonce options this node puts in a message."""
        return send_options(now, self.parameters, nonce)

    def option_octets(self, now: float | Fraction, nonce: bytes | None = None) -> bytes:
        """:meth:`options`, encoded: the octets appended to a message's own options.

        The options area is the options' encodings one after the other
        (RFC 4861 §4.6), so this equals ``encode_options(self.options(now,
        nonce))``; only the CGA option's encoding is kept from one message to
        the next.
        """
        nonce_octets = b"" if nonce is None else NonceOption(nonce).encode()
        return (self.cga_option_octets + TimestampOption(timestamp_now(now)).encode()
                + nonce_octets)

    def sign(self, icmp: bytes, dst: ipaddress.IPv6Address, *,
             src: ipaddress.IPv6Address | None = None,
             signed_checksum: SignedChecksum = DEFAULT_SIGNED_CHECKSUM) -> bytes:
        """Sign a complete message sent from this node's CGA (or ``src``) to ``dst``."""
        return sign_message(icmp, src or self.address, dst, self.private_key,
                            signed_checksum=signed_checksum, signer_key_hash=self.key_hash)
