"""The project's typed error family.

Untrusted bytes never raise anything but a subclass of :class:`Rfc5269Error`.
Rejections of well-formed but unacceptable messages are *verdicts*, not
exceptions (see :mod:`rfc5269.send.verdict`).
"""

from __future__ import annotations


class Rfc5269Error(Exception):
    """Base of every exception the project raises on purpose."""


class WireError(Rfc5269Error):
    """Bytes that do not decode, or values that cannot be encoded.

    ``field`` names the field (dotted path, e.g. ``"HandoverKeyRequest.pad_length"``),
    ``rule`` states the violated rule and ``ref`` cites it (e.g. ``"RFC 5269 §4.1"``).
    """

    def __init__(self, field: str, rule: str, ref: str = "") -> None:
        self.field = field
        self.rule = rule
        self.ref = ref
        where = f" ({ref})" if ref else ""
        super().__init__(f"{field}: {rule}{where}")


class DecodeError(WireError):
    """Received bytes violate a rule of the wire format."""


class EncodeError(WireError):
    """A message object holds values that have no valid encoding."""


class ConfigurationError(Rfc5269Error):
    """Keys, certificates or settings given to a node are unusable."""
