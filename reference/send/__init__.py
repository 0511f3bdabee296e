"""rfc5269.send — the SEND security layer (RFC 3971, RFC 3972) as sans-IO functions.

Modules, in the RFCs' vocabulary:

* :mod:`~rfc5269.send.verdict` — ``Verdict`` (accepted / rejected with a
  ``Reason`` / unsecured); every ``Reason`` names its RFC section.
* :mod:`~rfc5269.send.keys` — DER public keys, Key Hash, RFC 3971 §5.1.3 checks.
* :mod:`~rfc5269.send.cga` — ``cga_generate`` / ``cga_verify`` (RFC 3972 §4-§5),
  ``ModifierSearchPool`` for multi-core Sec >= 2 searches.
* :mod:`~rfc5269.send.signature` — ``sign_message`` / ``verify_signature``
  (RFC 3971 §5.1-§5.2) over raw ICMPv6 octets, CL-08 checksum readings;
  ``check_signature`` is the same verification answering the result itself;
  ``check_decoded_signature`` runs the same checks on options the codec has
  already decoded, over the same received octets.
* :mod:`~rfc5269.send.timestamps` — §5.3.4.2 rules and the bounded
  ``TimestampCache``.
* :mod:`~rfc5269.send.nonces` — ``make_nonce`` and the outstanding
  ``NonceStore`` (§5.3.4.1, CL-09).
* :mod:`~rfc5269.send.receiver` — ``SendReceiver.verify``: all of the above
  for one received message, plus router certification (RFC 5269 §3.2-§3.3);
  ``SendReceiver.verify_decoded`` is the entry point the AR and MN use, with
  the packet they have already decoded (the same checks, one pass).
* :mod:`~rfc5269.send.sender` — ``SendIdentity`` and ``send_options``.
* :mod:`~rfc5269.send.addrblocks`, :mod:`~rfc5269.send.pkix` — RFC 3779
  address blocks, trust anchors, ``validate_router_path`` (RFC 3971 §6.3).
* :mod:`~rfc5269.send.certpath` — CPS/CPA processing (RFC 3971 §6.4).
* :mod:`~rfc5269.send.testpki` — a deterministic test PKI.
"""
