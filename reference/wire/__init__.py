"""rfc5269.wire — strict wire codec for RFC 5269 messages and options.

One module per family, in the RFCs' vocabulary:

* :mod:`~rfc5269.wire.ndopt` — Neighbor Discovery options (SEND, FMIPv6, RFC 5269 §4)
* :mod:`~rfc5269.wire.cga_params` — CGA Parameters (RFC 3972 §3)
* :mod:`~rfc5269.wire.icmpv6` — ICMPv6 header and checksum (RFC 4443)
* :mod:`~rfc5269.wire.fmip` — RtSolPr and PrRtAdv (RFC 5568 §6.1)
* :mod:`~rfc5269.wire.cert_path` — CPS and CPA (RFC 3971 §6.4)
* :mod:`~rfc5269.wire.mobility` — Mobility Header, FBU, FBack, BADF (RFC 3775, RFC 5568 §6.2)
* :mod:`~rfc5269.wire.ipv6` — IPv6 header, Destination Options, Home Address option, packets
* :mod:`~rfc5269.wire.send_ranges` — the octets a SEND signature covers (RFC 3971 §5.2)
* :mod:`~rfc5269.wire.describe` / :mod:`~rfc5269.wire.diagram` — field descriptions and
  the bit diagrams drawn from them

Decoders raise only :class:`rfc5269.errors.DecodeError`.
"""

from rfc5269.wire.diagram import bit_diagram

__all__ = ["bit_diagram"]
