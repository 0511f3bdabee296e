"""rfc5269 — reference implementation of RFC 5269.

RFC 5269 distributes a symmetric FMIPv6 handover key from an Access Router to
a Mobile Node inside SEND-protected RtSolPr/PrRtAdv messages (RFC 5269 §2.2);
the key later authenticates the Mobile Node's Fast Binding Update to its
Previous Access Router (RFC 5269 §3.4–§3.5, RFC 5568 §6.4.5).

Sub-packages:

* :mod:`rfc5269.wire` — strict wire codec for every message and option.
* :mod:`rfc5269.send` — SEND security: CGAs, signatures, timestamps, nonces,
  router certificates (RFC 3971, RFC 3972).
* :mod:`rfc5269.handover` — handover keys, their encryption and the FBU
  authenticator (RFC 5269 §3.6, RFC 5568 §6.4.5, RFC 3775 §6.2.7).
* :mod:`rfc5269.nodes` — sans-IO state machines of the AR/PAR and the MN.
* :mod:`rfc5269.io` — links: in-memory and raw sockets.
* :mod:`rfc5269.model` / :mod:`rfc5269.proofs` — the Z3 model and its properties.
"""

__version__ = "0.1.0"
