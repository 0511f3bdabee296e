#!/usr/bin/env python3
"""A Previous Access Router written from the RFCs alone, speaking the JSON-lines protocol.

This program is the *other side* of ``rfc5269.adapters.subprocess``: it
reads one JSON request per line on stdin and writes one JSON answer per line
on stdout. It uses only the Python standard library and none of the rfc5269
project's code, to show that the protocol is enough to test an
implementation written elsewhere.

It implements the PAR role of RFC 5269 §3.5 for FBUs (RFC 5568 §6.2.2,
§6.4.5; RFC 3775 §6.1, §9.5.1): parse the IPv6 packet, its Home Address
option and Mobility Header, verify the checksum, look the handover key up by
the Home Address, check the BADF authenticator, the Sequence Number, change
forwarding and answer with an authenticated FBack. Keys come from the
``prime_key`` operation (a real AR would make them when answering RtSolPrs,
which this example does not do: it reports ``receive`` of anything else as
dropped, and the ``prime_solicitation``, ``request_key`` and
``start_handover`` operations as unsupported).

Run the part of the corpus it can pass with:

    rfc5269 vectors check vectors --impl "subprocess:python3 examples/jsonlines_par/par.py"
"""

import hashlib
import hmac
import ipaddress
import json
import struct
import sys

ALGORITHMS = {0: (hashlib.sha1, 20, 12), 1: (hashlib.sha256, 32, 16)}  # AT: hash, key, MAC
MH_PROTO, DST_OPTS, NO_NEXT = 135, 60, 59
FBU, FBACK = 8, 9
OPT_ALT_COA, OPT_BADF = 3, 21
HOME_ADDRESS = 0xC9


class Drop(Exception):  # noqa: N818
    """The packet is discarded (silently, as RFC 3775 §9.5.1 asks)."""


def checksum(src, dst, next_header, data):
    """Internet checksum over the IPv6 pseudo-header and ``data`` (RFC 2460 §8.1)."""
    pseudo = src + dst + struct.pack("!I3xB", len(data), next_header)
    total = 0
    blob = pseudo + data + (b"\0" if len(data) % 2 else b"")
    for i in range(0, len(blob), 2):
        total += (blob[i] << 8) | blob[i + 1]
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def routable(address):
    a = ipaddress.IPv6Address(address)
    return not (a.is_multicast or a.is_unspecified or a.is_loopback or a.is_link_local)


def mac(key, at, coa, par, mh_data):
    digest, _, length = ALGORITHMS[at]
    return hmac.new(key, coa + par + mh_data, digest).digest()[:length]


def parse_options(data, start):
    """Mobility options (RFC 3775 §6.2) as (type, offset, body)."""
    out, at = [], start
    while at < len(data):
        if data[at] == 0:
            at += 1
            continue
        if at + 2 > len(data) or at + 2 + data[at + 1] > len(data):
            raise Drop("option overruns the header")
        out.append((data[at], at, data[at + 2:at + 2 + data[at + 1]]))
        at += 2 + data[at + 1]
    return out


class Par:
    def __init__(self, config):
        self.address = ipaddress.IPv6Address(config["identity"]["address"]).packed
        self.forwarding_lifetime = float(config.get("forwardingLifetime", 10))
        switches = config.get("interpretations", {})
        if switches.get("badf_length", "option-data") != "option-data" or \
                switches.get("authenticator_coa", "ncoa") != "ncoa":
            raise ValueError("this example implements the default readings only")
        self.keys = {}  # PCoA (16 octets) -> (key, at, expires)
        self.bindings = {}  # PCoA -> [ncoa, until, last sequence]

    def receive(self, packet, now):
        try:
            return self._fbu(packet, now)
        except Drop:
            return []

    def _fbu(self, packet, now):
        if len(packet) < 40 or packet[0] >> 4 != 6:
            raise Drop("not IPv6")
        if struct.unpack("!H", packet[4:6])[0] != len(packet) - 40:
            raise Drop("payload length")
        src, dst = packet[8:24], packet[24:40]
        next_header, at, home = packet[6], 40, None
        if next_header == DST_OPTS:
            length = (packet[41] + 1) * 8
            opts, i = packet[42:40 + length], 0
            while i < len(opts):
                if opts[i] == 0:
                    i += 1
                    continue
                if opts[i] == HOME_ADDRESS:
                    if home is not None or opts[i + 1] != 16:
                        raise Drop("Home Address option")
                    home = opts[i + 2:i + 18]
                i += 2 + opts[i + 1]
            next_header, at = packet[40], 40 + length
        if next_header != MH_PROTO or home is None:
            raise Drop("not an FBU with a Home Address option")
        mh = packet[at:]
        if len(mh) < 12 or (mh[1] + 1) * 8 != len(mh) or mh[2] != FBU:
            raise Drop("Mobility Header length or type")
        if checksum(home, dst, MH_PROTO, mh) != 0:
            raise Drop("Mobility Header checksum")
        if dst != self.address or not routable(home):
            raise Drop("not for this PAR, or Home Address not routable")
        sequence, flags, lifetime = struct.unpack("!HBxH", mh[6:12])
        options = parse_options(mh, 12)
        if not options or options[-1][0] != OPT_BADF or \
                options[-1][1] + 2 + len(options[-1][2]) != len(mh):
            raise Drop("BADF missing or not last")
        badf = options[-1][2]
        coa = src
        for kind, _, body in options:
            if kind == OPT_ALT_COA:
                if len(body) != 16:
                    raise Drop("Alternate CoA length")
                coa = body
        if not routable(coa) or len(badf) < 4 or struct.unpack("!I", badf[:4])[0] != 0:
            raise Drop("care-of address not routable, or SPI not 0")
        record = self.keys.get(home)
        if record is None or record[2] <= now:
            raise Drop("no handover key for the PCoA (RFC 5269 §3.5)")
        key, at_value, _ = record
        authenticator = badf[4:]
        mh_data = mh[:4] + b"\0\0" + mh[6:len(mh) - len(authenticator)]
        if not hmac.compare_digest(mac(key, at_value, coa, dst, mh_data), authenticator):
            raise Drop("authenticator")
        binding = self.bindings.get(home)
        if binding is not None and not 0 < (sequence - binding[2]) % 65536 < 32768:
            return [self._fback(home, coa, dst, src, 135, binding[2], 0, key, at_value)]
        until = now + self.forwarding_lifetime
        self.bindings[home] = [coa, until, sequence]
        sent = []
        if flags & 0x80:
            sent.append(self._fback(home, coa, dst, src, 0, sequence, lifetime, key, at_value))
        return sent, [{"at": until, "name": "forwarding-timeout",
                       "subject": str(ipaddress.IPv6Address(home))}]

    def _fback(self, home, coa, par, to, status, sequence, lifetime, key, at_value):
        """An FBack with a BADF computed like the FBU's (RFC 5568 §6.2.3, §6.4.5)."""
        mac_length = ALGORITHMS[at_value][2]
        pad = (-(12 + 2 + 4 + mac_length)) % 8
        padding = b"\0" if pad == 1 else (bytes((1, pad - 2)) + bytes(pad - 2) if pad else b"")
        body = struct.pack("!BBH", status, 0, sequence) + struct.pack("!H", lifetime)
        badf_head = bytes((OPT_BADF, 4 + mac_length)) + bytes(4)
        total = 6 + len(body) + len(padding) + len(badf_head) + mac_length
        head = bytes((NO_NEXT, total // 8 - 1, FBACK, 0))
        mh_data = head + b"\0\0" + body + padding + badf_head
        tag = mac(key, at_value, coa, par, mh_data)
        mh = bytearray(mh_data + tag)
        mh[4:6] = struct.pack("!H", checksum(par, to, MH_PROTO, bytes(mh)))
        header = struct.pack("!IHBB", 6 << 28, len(mh), MH_PROTO, 64) + par + to
        return header + bytes(mh)

    def fire_timer(self, name, subject, now):
        home = ipaddress.IPv6Address(subject).packed
        binding = self.bindings.get(home)
        if name == "forwarding-timeout" and binding is not None and binding[1] <= now:
            del self.bindings[home]
            self.keys.pop(home, None)  # RFC 5269 §3.6: the key goes with the forwarding
        return []

    def observe(self, now):
        keys = [{"owner": str(ipaddress.IPv6Address(o)),
                 "peer": str(ipaddress.IPv6Address(self.address)), "key": k.hex(),
                 "at": a, "expires": e} for o, (k, a, e) in self.keys.items()]
        forwarding = [{"pcoa": str(ipaddress.IPv6Address(p)),
                       "ncoa": str(ipaddress.IPv6Address(b[0])), "until": b[1],
                       "last_sequence": b[2]} for p, b in self.bindings.items() if b[1] > now]
        return {"keys": keys, "forwarding": forwarding, "bounds": {}}


def outcome(result):
    sent, timers = result if isinstance(result, tuple) else (result, [])
    return {"sent": [p.hex() for p in sent], "timers": timers, "rejections": []}


def main():
    node = None
    for line in sys.stdin:
        request = json.loads(line)
        op = request["op"]
        try:
            if op == "quit":
                return
            if op == "configure":
                if request["role"] != "AR":
                    answer = {"ok": False, "unsupported": True}
                else:
                    node = Par(request["config"])
                    answer = {"ok": True, "addresses": [str(ipaddress.IPv6Address(
                        node.address))]}
            elif op == "receive":
                answer = {"ok": True, "outcome": outcome(
                    node.receive(bytes.fromhex(request["packet"]), request["now"]))}
            elif op == "fire_timer":
                answer = {"ok": True, "outcome": outcome(
                    node.fire_timer(request["name"], request["subject"], request["now"]))}
            elif op == "prime_key":
                node.keys[ipaddress.IPv6Address(request["owner"]).packed] = (
                    bytes.fromhex(request["key"]), request["at"],
                    request["now"] + request["lifetime"])
                answer = {"ok": True}
            elif op == "observe":
                answer = {"ok": True, "observation": node.observe(request["now"])}
            else:
                answer = {"ok": False, "unsupported": True}
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
