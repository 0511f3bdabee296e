"""Protocol constants with their RFC defaults.

RFC 5269 §3.7 (HKEPK-LIFETIME, HKEPK-HANDOVERS, HK-LIFETIME), RFC 3971 §10
(timestamp and certificate-path constants) and the type codes assigned by
IANA for the messages and options this project handles.
"""

from __future__ import annotations

from typing import Final

# RFC 5269 §3.7
HKEPK_LIFETIME: Final = 12 * 3600  # seconds
HKEPK_HANDOVERS: Final = 10
HK_LIFETIME: Final = 43200  # seconds

# RFC 3971 §10.2 (timestamp) — defaults, see interop-facts.md for deployments.
TIMESTAMP_DELTA: Final = 300.0  # seconds
TIMESTAMP_FUZZ: Final = 1.0  # seconds
TIMESTAMP_DRIFT: Final = 0.01  # 1 %

# RFC 3971 §10.1 (certification paths)
MAX_CPS_RATE: Final = 10  # messages per second per host
MAX_CPA_RATE: Final = 10

# ICMPv6 types (RFC 4443 §2.1, RFC 3971 §6.4, RFC 5568 §6.1)
ICMPV6_CPS: Final = 148
ICMPV6_CPA: Final = 149
ICMPV6_FMIP: Final = 154
FMIP_SUBTYPE_RTSOLPR: Final = 2
FMIP_SUBTYPE_PRRTADV: Final = 3

# IPv6 next-header values
IPPROTO_ICMPV6: Final = 58
IPPROTO_DSTOPTS: Final = 60
IPPROTO_MH: Final = 135
IPPROTO_NONE: Final = 59

# Mobility Header types (RFC 5568 §6.2)
MH_FBU: Final = 8
MH_FBACK: Final = 9
