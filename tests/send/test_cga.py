"""CGA generation and verification (RFC 3972 §4-§5), key checks (RFC 3971 §5.1.3)."""

from __future__ import annotations

import ipaddress
import json
import random
import threading
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import dsa, ec, rsa
from rfc5269.interpretations import CgaSecRange
from rfc5269.send import cga, keys
from rfc5269.send.testpki import pool_key
from rfc5269.send.verdict import Reason

from .registry import covers, expect_accept, expect_reject

PREFIX = bytes.fromhex("20010db800010002")
DER = keys.public_key_der(pool_key(3))
FIXTURE = Path(__file__).parent / "fixtures" / "cga_sec2.json"


def rng(seed: int = 1):
    return random.Random(seed).randbytes


def replace_byte(data: bytes, index: int, value: int) -> bytes:
    return data[:index] + bytes([value]) + data[index + 1 :]


@pytest.mark.parametrize("sec", [0, 1])
def test_round_trip(sec: int) -> None:
    g = cga.cga_generate(DER, PREFIX, sec, rng())
    assert g.address.packed[:8] == PREFIX
    assert cga.address_sec(g.address) == sec
    assert g.address.packed[8] & 0x03 == 0  # u and g bits cleared
    info = expect_accept(cga.cga_verify(g.address, g.parameters))
    assert info.sec == sec and info.public_key == DER


def test_generation_is_deterministic_given_rng() -> None:
    a = cga.cga_generate(DER, PREFIX, 1, rng(7))
    b = cga.cga_generate(DER, PREFIX, 1, rng(7))
    assert a == b
    assert cga.cga_generate(DER, PREFIX, 1, rng(8)).address != a.address


def test_parallel_search_finds_the_sequential_modifier() -> None:
    seq = cga.cga_generate(DER, PREFIX, 1, rng(11), processes=1)
    par = cga.cga_generate(DER, PREFIX, 1, rng(11), processes=2)
    assert par.address == seq.address and par.parameters == seq.parameters


def test_extension_fields_enter_both_hashes() -> None:
    ext = bytes.fromhex("fffe0004deadbeef")  # RFC 4581 TLV: type, length, value
    g = cga.cga_generate(DER, PREFIX, 1, rng(), extension_fields=ext)
    assert g.parameters.extension_bytes == ext
    expect_accept(cga.cga_verify(g.address, g.parameters))
    # Dropping the extension changes Hash1.
    bare = cga.CgaParameterFields(g.parameters.structure[: -len(ext)], len(DER))
    expect_reject(cga.cga_verify(g.address, bare), Reason.CGA_HASH1_MISMATCH)
    # Hash2 covers it too: with Hash1 recomputed for an altered extension, Sec 1 fails
    # (probability 2**-16 that it still holds; the seed is fixed).
    other = g.parameters.structure[: -1] + b"\xee"
    params = cga.CgaParameterFields(other, len(DER))
    iid = cga.interface_identifier(cga.hash1(other), 1)
    addr = ipaddress.IPv6Address(PREFIX + iid)
    expect_reject(cga.cga_verify(addr, params), Reason.CGA_HASH2_NOT_ZERO)


def test_dad_collisions_increment_collision_count() -> None:
    seen: list[ipaddress.IPv6Address] = []

    def collide_twice(addr: ipaddress.IPv6Address) -> bool:
        seen.append(addr)
        return len(seen) <= 2

    g = cga.cga_generate(DER, PREFIX, 0, rng(), dad_collision=collide_twice)
    assert g.parameters.collision_count == 2 and len(set(seen)) == 3
    expect_accept(cga.cga_verify(g.address, g.parameters))
    with pytest.raises(cga.CgaGenerationError):
        cga.cga_generate(DER, PREFIX, 0, rng(), dad_collision=lambda a: True)


def test_stop_event_ends_a_search() -> None:
    stop = threading.Event()
    stop.set()
    with pytest.raises(cga.CgaGenerationError):
        cga.find_modifier(DER, 2, bytes(16), processes=1, stop=stop)
    with pytest.raises(cga.CgaGenerationError):
        cga.find_modifier(DER, 2, bytes(16), processes=2, stop=stop, poll_seconds=0.05)


def test_progress_is_reported() -> None:
    calls: list[tuple[int, int]] = []
    stop = threading.Event()

    def progress(done: int, expected: int) -> None:
        calls.append((done, expected))
        stop.set()

    with pytest.raises(cga.CgaGenerationError):
        cga.find_modifier(DER, 3, bytes(16), processes=1, progress=progress, stop=stop)
    assert calls and calls[0][1] == 1 << 48 and calls[0][0] > 0


@pytest.fixture(scope="module")
def sec1() -> cga.CgaGenerated:
    return cga.cga_generate(DER, PREFIX, 1, rng(3))


@covers(Reason.CGA_COLLISION_COUNT)
def test_collision_count_out_of_range(sec1: cga.CgaGenerated) -> None:
    s = sec1.parameters.structure
    bad = cga.CgaParameterFields(replace_byte(s, 24, 3), len(DER))
    expect_reject(cga.cga_verify(sec1.address, bad), Reason.CGA_COLLISION_COUNT)


@covers(Reason.CGA_PREFIX_MISMATCH)
def test_prefix_mismatch(sec1: cga.CgaGenerated) -> None:
    other = ipaddress.IPv6Address(b"\x20\x01\x0d\xb8\x00\x01\x00\x03" + sec1.address.packed[8:])
    expect_reject(cga.cga_verify(other, sec1.parameters), Reason.CGA_PREFIX_MISMATCH)


@covers(Reason.CGA_HASH1_MISMATCH)
@pytest.mark.parametrize("field", ["modifier", "collision_count", "public_key", "iid"])
def test_each_altered_field_fails(sec1: cga.CgaGenerated, field: str) -> None:
    s = sec1.parameters.structure
    addr = sec1.address
    if field == "modifier":
        s = replace_byte(s, 15, s[15] ^ 1)
    elif field == "collision_count":
        s = replace_byte(s, 24, 1)
    elif field == "public_key":
        s = replace_byte(s, 60, s[60] ^ 1)
    else:
        addr = ipaddress.IPv6Address(addr.packed[:15] + bytes([addr.packed[15] ^ 1]))
    expect_reject(cga.cga_verify(addr, cga.CgaParameterFields(s, len(DER))),
                  Reason.CGA_HASH1_MISMATCH)


@pytest.mark.parametrize("mask", [0x01, 0x02, 0x20, 0x40, 0x80])
def test_ignored_bits(sec1: cga.CgaGenerated, mask: int) -> None:
    """u/g (0x03) are ignored; Sec bits (0xE0) are not compared with Hash1 (RFC 3972 §5 step 4)."""
    p = sec1.address.packed
    addr = ipaddress.IPv6Address(p[:8] + bytes([p[8] ^ mask]) + p[9:])
    verdict = cga.cga_verify(addr, sec1.parameters)
    if mask & 0x03:
        expect_accept(verdict)
    else:
        # Hash1 still matches; a changed Sec is then judged by Hash2.
        assert verdict.reason in (None, Reason.CGA_HASH2_NOT_ZERO)
        if cga.address_sec(addr) == 0:
            expect_accept(verdict)


@covers(Reason.CGA_HASH2_NOT_ZERO)
def test_claimed_sec_above_generated(sec1: cga.CgaGenerated) -> None:
    p = sec1.address.packed
    addr = ipaddress.IPv6Address(p[:8] + bytes([(p[8] & 0x1F) | (3 << 5)]) + p[9:])
    expect_reject(cga.cga_verify(addr, sec1.parameters), Reason.CGA_HASH2_NOT_ZERO)


@covers(Reason.CGA_SEC_NOT_ACCEPTED)
def test_sec_range_rfc4982() -> None:
    # A Sec 3 claim whose Hash2 cannot be checked first: Sec range is judged before Hash2.
    g = cga.cga_generate(DER, PREFIX, 0, rng(5))
    p = g.address.packed
    addr = ipaddress.IPv6Address(p[:8] + bytes([(p[8] & 0x1F) | (3 << 5)]) + p[9:])
    expect_reject(cga.cga_verify(addr, g.parameters, sec_range=CgaSecRange.RFC4982),
                  Reason.CGA_SEC_NOT_ACCEPTED)
    assert cga.cga_verify(addr, g.parameters).reason is Reason.CGA_HASH2_NOT_ZERO


def test_sec2_fixture_verifies() -> None:
    data = json.loads(FIXTURE.read_text())
    der = bytes.fromhex(data["public_key_der"])
    params = cga.CgaParameterFields(bytes.fromhex(data["cga_parameters"]), len(der))
    addr = ipaddress.IPv6Address(data["address"])
    info = expect_accept(cga.cga_verify(addr, params))
    assert info.sec == 2 == data["sec"]
    assert cga.hash2(params.modifier, der, b"")[:4] == bytes(4)
    expect_accept(cga.cga_verify(addr, params, sec_range=CgaSecRange.RFC4982))
    # One modifier bit less and Hash2 has (almost surely) no 32 zero bits any more.
    s = params.structure
    s2 = replace_byte(s, 0, s[0] ^ 0x80)
    addr2 = ipaddress.IPv6Address(s[:0] + addr.packed[:8] + cga.interface_identifier(
        cga.hash1(s2), 2))
    expect_reject(cga.cga_verify(addr2, cga.CgaParameterFields(s2, len(der))),
                  Reason.CGA_HASH2_NOT_ZERO)


# -- key checks (RFC 3971 §5.1.3) ----------------------------------------------

def test_good_key_accepted() -> None:
    key = expect_accept(keys.check_public_key(DER))
    assert isinstance(key, rsa.RSAPublicKey)


@covers(Reason.KEY_MALFORMED)
def test_key_malformed() -> None:
    expect_reject(keys.check_public_key(DER[:-5]), Reason.KEY_MALFORMED)


@covers(Reason.KEY_NOT_RSA)
def test_key_not_rsa() -> None:
    ec_key = ec.generate_private_key(ec.SECP256R1())
    der = ec_key.public_key().public_bytes(*_spki())
    expect_reject(keys.check_public_key(der), Reason.KEY_NOT_RSA)


def _spki():
    from cryptography.hazmat.primitives import serialization
    return serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo


@covers(Reason.KEY_TOO_SHORT)
def test_key_too_short() -> None:
    # cryptography no longer generates keys below 1024 bits: build a 768-bit public key.
    n = (pool_key(3).public_key().public_numbers().n >> 256) | 1
    small = rsa.RSAPublicNumbers(65537, n).public_key()
    assert small.key_size == 768
    expect_reject(keys.check_public_key(keys.public_key_der(small)), Reason.KEY_TOO_SHORT)
    expect_accept(keys.check_public_key(keys.public_key_der(small), keys.KeyPolicy(min_bits=512)))


@covers(Reason.KEY_TOO_LONG)
def test_key_too_long() -> None:
    expect_reject(keys.check_public_key(DER, keys.KeyPolicy(max_bits=1000, min_bits=512)),
                  Reason.KEY_TOO_LONG)


def test_key_cache_is_bounded_least_recently_used_and_exact() -> None:
    """The parsed-key caches hold at most 256 keys, keep the recently used, key on exact DER."""
    keys.clear_key_cache()
    n = pool_key(3).public_key().public_numbers().n
    first = keys.check_public_key(DER)
    for e in range(3, 3 + 2 * 300, 2):  # 300 other keys (same modulus, odd exponents)
        keys.check_public_key(_spki_der(n, e) if e != 65537 else DER)
        keys.check_public_key(DER)  # kept in use: never the least recently used
    assert len(keys._CHECKED) <= 256 and len(keys._PARSED) <= 256
    assert keys.check_public_key(DER) is first  # still cached
    assert _spki_der(n, 3) not in keys._CHECKED  # the least recently used went
    # A one-octet change is a different key: judged afresh, not served from the cache.
    expect_reject(keys.check_public_key(DER[:-1] + bytes([DER[-1] ^ 1])),
                  Reason.KEY_EXPONENT_UNSOUND)
    # After clearing, a key is loaded again and judged the same.
    keys.clear_key_cache()
    again = keys.check_public_key(DER)
    assert again is not first and again.accepted and again.info is not None
    assert again.info.public_numbers() == first.info.public_numbers()  # type: ignore[union-attr]
    # Another policy is judged afresh, then the first policy again.
    expect_reject(keys.check_public_key(DER, keys.KeyPolicy(min_bits=2048)), Reason.KEY_TOO_SHORT)
    assert keys.check_public_key(DER).accepted


def _spki_der(n: int, e: int) -> bytes:
    """An RSA SubjectPublicKeyInfo built with pyasn1 (cryptography refuses even exponents)."""
    from pyasn1.codec.der import encoder
    from pyasn1.type import univ
    from pyasn1_modules import rfc3447, rfc5280

    pub = rfc3447.RSAPublicKey()
    pub["modulus"] = n
    pub["publicExponent"] = e
    spki = rfc5280.SubjectPublicKeyInfo()
    spki["algorithm"]["algorithm"] = univ.ObjectIdentifier("1.2.840.113549.1.1.1")
    spki["algorithm"]["parameters"] = univ.Null("")
    spki["subjectPublicKey"] = univ.BitString.fromOctetString(encoder.encode(pub))
    return bytes(encoder.encode(spki))


@covers(Reason.KEY_EXPONENT_UNSOUND)
@pytest.mark.parametrize("e", [65538, (1 << 65) + 1])
def test_key_exponent(e: int) -> None:
    n = pool_key(3).public_key().public_numbers().n
    assert _spki_der(n, 65537) == DER  # the helper builds what cryptography builds
    verdict = keys.check_public_key(_spki_der(n, e))
    if e % 2 == 0 and verdict.reason is Reason.KEY_MALFORMED:
        pytest.fail("cryptography refused to load an even exponent; adjust the test")
    expect_reject(verdict, Reason.KEY_EXPONENT_UNSOUND)


def test_dsa_key_is_not_rsa() -> None:
    k = dsa.generate_private_key(1024)
    expect_reject(keys.check_public_key(k.public_key().public_bytes(*_spki())), Reason.KEY_NOT_RSA)


INTERRUPT_SCRIPT = """
import multiprocessing, os, sys
from rfc5269.send import cga, keys
from rfc5269.send.testpki import pool_key

def progress(done, expected):
    print("workers", *[p.pid for p in multiprocessing.active_children()], flush=True)

if __name__ == "__main__":
    der = keys.public_key_der(pool_key(3))
    try:
        cga.find_modifier(der, 3, bytes(16), processes=2, progress=progress, poll_seconds=0.1)
    except KeyboardInterrupt:
        print("interrupted", flush=True)
        sys.exit(3)
"""


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as f:
            return "State:\tZ" in f.read()  # a zombie has ended
    except FileNotFoundError:
        return True


def test_keyboard_interrupt_stops_the_workers() -> None:
    import signal
    import subprocess
    import sys
    import time

    proc = subprocess.Popen([sys.executable, "-c", INTERRUPT_SCRIPT], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline().split()
    assert line[0] == "workers" and len(line) == 3, line
    workers = [int(p) for p in line[1:]]
    proc.send_signal(signal.SIGINT)
    # generous: on a loaded machine the interpreter exit alone can take seconds; the test is
    # about the workers ending, not about how fast
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 3 and "interrupted" in out, err
    deadline = time.monotonic() + 30
    while not all(_gone(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert all(_gone(p) for p in workers)
