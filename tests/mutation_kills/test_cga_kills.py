"""CGA verification rules that surviving mutants of ``rfc5269.send.cga`` showed untested.

RFC 3972 §5 steps 3-4 (Hash1 against the interface identifier, ignoring
Sec and the u/g bits). Each test names the mutants it kills
(reference/data/mutation_results.json).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator
from ipaddress import IPv6Address, IPv6Network
from pathlib import Path
from types import SimpleNamespace

import pytest
from rfc5269.interpretations import CgaSecRange
from rfc5269.send import keys
from rfc5269.send.cga import (
    CgaGenerated,
    CgaGenerationError,
    ModifierSearchPool,
    _Abort,
    _search_range,
    cga_generate,
    cga_verify,
    encode_parameters,
    find_modifier,
    hash1,
    hash2,
    parameters_bytes,
)
from rfc5269.send.testpki import pool_key
from rfc5269.send.verdict import Reason

from tests.nodes.helpers import exchange


def _with_octet8_flipped(address: IPv6Address, bit: int) -> IPv6Address:
    raw = bytearray(address.packed)
    raw[8] ^= bit
    return IPv6Address(bytes(raw))


@pytest.mark.parametrize("bit", [0x04, 0x08, 0x10])
def test_hash1_bits_of_the_first_iid_octet_are_compared(bit: int) -> None:
    """The three Hash1 bits of interface-identifier octet 0 must match (RFC 3972 §5 step 4).

    RFC3971-5.1.2-M4 (verify the CGA). Flipping one of them is a Hash1
    mismatch; the unflipped address verifies. Kills ``0xFF`` -> ``0x100`` in
    ``_HASH1_MASK0``.
    """
    identity = exchange().mn.config.identity
    params = identity.cga.parameters
    assert cga_verify(identity.address, params).accepted
    verdict = cga_verify(_with_octet8_flipped(identity.address, bit), params)
    assert not verdict.accepted and verdict.reason is Reason.CGA_HASH1_MISMATCH


@pytest.mark.parametrize("bit", [0x01, 0x02])
def test_u_and_g_bits_are_ignored(bit: int) -> None:
    """The u and g bits of octet 0 are not compared (RFC 3972 §5 step 4; RFC3971-5.1.2-M4)."""
    identity = exchange().mn.config.identity
    assert cga_verify(_with_octet8_flipped(identity.address, bit),
                      identity.cga.parameters).accepted


def test_parameter_fields_read_back_what_was_encoded() -> None:
    """The CGA Parameters accessors return the RFC 3972 §3 fields that were encoded.

    RFC3971-5.1.2-M4 (the verifier hashes exactly these bytes). Kills
    ``return self.structure[16:24]`` -> ``return None`` (``subnet_prefix``)
    and ``return bytes(params)`` -> ``return None`` in ``parameters_bytes``.
    """
    modifier, prefix, key, ext = bytes(range(16)), bytes(range(100, 108)), b"KEY", b"EXT"
    fields = encode_parameters(modifier, prefix, 1, key, ext)
    assert fields.modifier == modifier and fields.subnet_prefix == prefix
    assert fields.collision_count == 1 and fields.public_key == key
    assert fields.extension_bytes == ext
    assert fields.encode() == modifier + prefix + b"\x01" + key + ext
    assert parameters_bytes(fields.encode()) == fields.encode()
    assert parameters_bytes(bytearray(b"raw")) == b"raw"
    assert parameters_bytes(fields) == fields.encode()


class _Params:
    """A stand-in for a decoded CGA Parameters object: ``raw`` bytes and a ``public_key``."""

    def __init__(self, raw: bytes, public_key: bytes, encoded: bytes = b"") -> None:
        self.raw, self.public_key, self._encoded = raw, public_key, encoded

    def encode(self) -> bytes:
        return self._encoded


def test_empty_raw_falls_back_to_the_encoding() -> None:
    """Parameters without received bytes (``raw`` empty) are hashed in their encoding.

    RFC3971-5.1.2-M4. Kills ``isinstance(raw, ...) and raw`` -> ``or raw``.
    """
    assert parameters_bytes(_Params(b"", b"k", encoded=b"ENCODED")) == b"ENCODED"
    assert parameters_bytes(_Params(b"RAW", b"k", encoded=b"ENCODED")) == b"RAW"


def test_encode_parameters_checks_its_fields() -> None:
    """Modifier 16 octets, subnet prefix 8, collision count one octet (RFC 3972 §3).

    Each wrong field alone is refused; no extension fields means none are
    appended. Kills the removed ``raise ValueError`` (both), the ``or`` ->
    ``and`` swap and ``extension_fields: bytes = b""`` -> ``b"\\x00"``.
    """
    good_mod, good_prefix = bytes(16), bytes(8)
    assert encode_parameters(good_mod, good_prefix, 0, b"K").encode() == bytes(25) + b"K"
    for mod, prefix in ((bytes(15), good_prefix), (good_mod, bytes(9))):
        with pytest.raises(ValueError, match="16 octets"):
            encode_parameters(mod, prefix, 0, b"K")
    for count in (-1, 256):
        with pytest.raises(ValueError, match="one octet"):
            encode_parameters(good_mod, good_prefix, count, b"K")
    assert encode_parameters(good_mod, good_prefix, 255, b"K").collision_count == 255


def test_parameters_shorter_than_their_key_are_malformed() -> None:
    """A CGA Parameters structure too short to hold its own public key is malformed.

    RFC3971-5.1.2-M4, RFC 3972 §3 layout. Kills ``return
    Verdict.reject(Reason.MALFORMED, ...)`` -> ``return None`` in ``cga_verify``.
    """
    identity = exchange().mn.config.identity
    short = _Params(bytes(30), bytes(20))
    verdict = cga_verify(identity.address, short)
    assert verdict is not None and not verdict.accepted
    assert verdict.reason is Reason.MALFORMED


@pytest.mark.parametrize("reading", list(CgaSecRange))
def test_sec_zero_is_accepted_under_both_sec_readings(reading: CgaSecRange) -> None:
    """Sec 0 is a valid CGA under RFC 3972 (0-7) and under RFC 4982's registry (0-2).

    Clarification CL-10; RFC3971-5.1.2-M4. The scenario's MN CGA has Sec 0.
    Kills ``range(0, 3)`` -> ``range(1, 3)``.
    """
    identity = exchange().mn.config.identity
    assert identity.address.packed[8] >> 5 == 0
    verdict = cga_verify(identity.address, identity.cga.parameters, sec_range=reading)
    assert verdict.accepted and verdict.info is not None and verdict.info.sec == 0


def test_hash2_is_the_leftmost_112_bits() -> None:
    """Hash2 = leftmost 112 bits of SHA-1(modifier | 9 zero octets | key | extensions).

    RFC 3972 §4 step 3 (and §5 step 7); RFC3971-5.1.2-M4. Computed here
    with hashlib independently. Kills ``[:14]`` -> ``[:15]`` in ``hash2``.
    """
    modifier, key, ext = bytes(range(16)), b"public key", b"ext"
    expected = hashlib.sha1(modifier + bytes(9) + key + ext).digest()[:14]
    assert hash2(modifier, key, ext) == expected and len(expected) * 8 == 112


def test_hash1_is_the_leftmost_64_bits() -> None:
    """Hash1 = leftmost 64 bits of SHA-1 over the whole CGA Parameters (RFC 3972 §4 step 5).

    RFC3971-5.1.2-M4. Computed here with hashlib. Kills ``[:8]`` -> ``[:9]``
    in ``hash1``.
    """
    structure = bytes(range(40))
    assert hash1(structure) == hashlib.sha1(structure).digest()[:8]


# -- generation (RFC 3972 §4 steps 1-3): the modifier search -----------------------

GEN_DER = keys.public_key_der(pool_key(3))
GEN_PREFIX = bytes.fromhex("20010db800010002")
SEC2_FIXTURE = Path(__file__).parent.parent / "send" / "fixtures" / "cga_sec2.json"


def _first_sec1_modifier(initial: int) -> int:
    """The first modifier >= ``initial`` whose Hash2 starts with 16 zero bits, by hand."""
    modifier = initial
    while hashlib.sha1(modifier.to_bytes(16, "big") + bytes(9) + GEN_DER).digest()[:2] != \
            b"\x00\x00":  # SHA-1: RFC 3972 §4
        modifier += 1
    return modifier


def test_generation_checks_its_arguments() -> None:
    """Sec is a 3-bit field (RFC 3972 §2), the modifier 16 octets and the subnet prefix
    8 octets (RFC 3972 §3); anything else is refused before any search.

    Kills the removed ``raise ValueError`` of ``find_modifier`` (Sec, modifier length)
    and of ``cga_generate`` (prefix length).
    """
    for sec in (-1, 8):
        with pytest.raises(ValueError, match="3-bit"):
            find_modifier(GEN_DER, sec, bytes(16), processes=1)
    with pytest.raises(ValueError, match="16 octets"):
        find_modifier(GEN_DER, 1, bytes(15), processes=1)

    def no_search(n: int) -> bytes:
        raise AssertionError("the random modifier was drawn for an invalid request")

    with pytest.raises(ValueError, match="subnet prefix must be 8 octets"):
        cga_generate(GEN_DER, GEN_PREFIX[:7], 1, no_search)


def test_sequential_search_finds_the_first_modifier_and_counts_each_try() -> None:
    """RFC 3972 §4 steps 2-3: from the random initial modifier, try modifier, modifier + 1,
    ... until Hash2 (over modifier | 9 zero octets | key, no extension fields by
    default) has 16 * Sec leftmost zero bits. The sequential search reports exactly the
    number of SHA-1 computations, one per modifier tried.

    Kills ``hashes = 0`` -> ``1``, ``hashes +=`` -> ``-=``, the default
    ``extension_fields=b''`` -> ``b'\\x00'``, the negated ``pool is not None or
    processes > 1`` and the negated ``1 if sec <= 1 else ...`` (both would hand the
    search to a pool, which reports whole work units), and ``return initial_modifier, 0``
    -> ``1`` for Sec 0.
    """
    initial = int.from_bytes(hashlib.sha256(b"cga-kills").digest()[:16], "big")
    expected = _first_sec1_modifier(initial)
    modifier, hashes = find_modifier(GEN_DER, 1, initial.to_bytes(16, "big"), processes=1)
    assert int.from_bytes(modifier, "big") == expected
    assert hashes == expected - initial + 1
    assert hash2(modifier, GEN_DER, b"")[:2] == b"\x00\x00"
    # Sec 0 needs no search: the initial modifier, no hash computed (RFC 3972 §4 step 3).
    start = initial.to_bytes(16, "big")
    assert find_modifier(GEN_DER, 0, start) == (start, 0)
    # Sec <= 1 searches sequentially by default (find_modifier's docstring): same count.
    assert find_modifier(GEN_DER, 1, initial.to_bytes(16, "big")) == (modifier, hashes)


class _RecordingPool:
    """Stands in for ModifierSearchPool: records the search it is given."""

    def __init__(self) -> None:
        self.calls: list[tuple[bytes, int, int]] = []

    def search(self, template: bytes, first: int, zero_octets: int, **_: object
               ) -> tuple[int, int]:
        self.calls.append((template, first, zero_octets))
        return first + 7, 8


def test_a_given_pool_does_the_search() -> None:
    """``find_modifier(pool=...)`` runs the search in that pool, whatever ``processes``
    would default to (its documented contract), here for Sec 1 (16 zero bits).

    Kills ``pool is not None or processes > 1`` -> ``and`` and its negation.
    """
    pool = _RecordingPool()
    initial = bytes(15) + b"\x05"
    modifier, hashes = find_modifier(GEN_DER, 1, initial, pool=pool)  # type: ignore[arg-type]
    assert pool.calls == [(initial + bytes(9) + GEN_DER, 5, 2)]
    assert (modifier, hashes) == ((12).to_bytes(16, "big"), 8)


def test_search_pool_is_reusable_after_a_stop_and_closes_its_workers() -> None:
    """A ModifierSearchPool serves several searches (its documented purpose): after a
    stopped search the next one still finds the modifier a sequential search finds
    (RFC 3972 §4 step 3), progress reports the expected work 2^(16*Sec); leaving the
    ``with`` block ends every worker. The default size is one worker per CPU.

    Kills ``processes or os.cpu_count() or 1`` -> ``and``, the removed
    ``self._stop.clear()``, ``1 << 8 * zero_octets`` -> ``>>``, the removed
    ``self.close()`` in ``__exit__`` and the removed ``proc.join(5.0)``.
    """
    stop = threading.Event()
    stop.set()
    before = {p.pid for p in multiprocessing.active_children()}
    initial = int.from_bytes(hashlib.sha256(b"pool").digest()[:16], "big")
    calls: list[tuple[int, int]] = []
    with ModifierSearchPool() as pool:
        assert pool.processes == (os.cpu_count() or 1)
        workers = {p.pid for p in multiprocessing.active_children()} - before
        assert len(workers) == pool.processes
        with pytest.raises(CgaGenerationError):
            find_modifier(GEN_DER, 2, bytes(16), pool=pool, stop=stop, poll_seconds=0.05)
        modifier, _ = find_modifier(GEN_DER, 1, initial.to_bytes(16, "big"), pool=pool,
                                    progress=lambda d, e: calls.append((d, e)),
                                    poll_seconds=0.05)
    assert int.from_bytes(modifier, "big") == _first_sec1_modifier(initial)
    assert calls and all(e == 1 << 16 for _, e in calls)
    assert not workers & {p.pid for p in multiprocessing.active_children()}


def test_search_pool_is_reusable_after_an_interrupted_search() -> None:
    """When a search ends by an exception (here the progress callback raising, as a
    ^C would), the pool waits until its workers have left that search, so the
    next search on the same pool answers the sequential modifier (RFC 3972 §4 step 3).

    Kills the negated wait condition of ``_drain``, ``time.monotonic() + 5.0`` -> ``- 5.0``,
    and, in ``search``'s exception handler, the removed ``self._stop.set()``,
    ``self._drain(finished)`` and ``raise``.
    """

    raised: list[int] = []

    def interrupt(done: int, expected: int) -> None:
        if not raised:  # once, as a ^C would
            raised.append(done)
            raise RuntimeError("interrupted")

    initial = int.from_bytes(hashlib.sha256(b"drain").digest()[:16], "big")
    with ModifierSearchPool(2) as pool:
        with pytest.raises(RuntimeError):
            find_modifier(GEN_DER, 3, bytes(16), pool=pool, progress=interrupt,
                          poll_seconds=0.05)
        modifier, _ = find_modifier(GEN_DER, 1, initial.to_bytes(16, "big"), pool=pool,
                                    poll_seconds=0.05)
    assert int.from_bytes(modifier, "big") == _first_sec1_modifier(initial)


def test_sequential_search_continues_upward_past_its_first_batch() -> None:
    """RFC 3972 §4 step 3 increments the modifier until Hash2 fits: a search that finds
    nothing in its first 2^20 modifiers (one work unit) goes on with the next ones.

    Starts 2^20 + 5 modifiers below the Sec 2 modifier of the committed fixture
    (tests/send/fixtures/cga_sec2.json; no other Sec 2 modifier lies in between).
    Kills ``start += _BATCH`` -> ``-=`` and ``(value + n) % (1 << 128)`` -> ``//``.
    """
    fixture = json.loads(SEC2_FIXTURE.read_text())
    params = bytes.fromhex(fixture["cga_parameters"])
    der = params[25:]  # modifier 16 | prefix 8 | collision count 1 | key (no extensions)
    target = int(fixture["modifier"], 16)
    initial = target - (1 << 20) - 5
    modifier, hashes = find_modifier(der, 2, initial.to_bytes(16, "big"), processes=1)
    assert int.from_bytes(modifier, "big") == target
    assert hashes == (1 << 20) + 6


def test_generation_gives_up_after_three_collisions() -> None:
    """RFC 3972 §4 step 8: after three DAD collisions generation stops with an error;
    three failures are not followed by a fourth address (collision count 3).

    Kills ``range(3)`` -> ``range(4)`` in ``cga_generate``.
    """
    seen: list[IPv6Address] = []

    def three_collisions(address: IPv6Address) -> bool:
        seen.append(address)
        return len(seen) <= 3

    with pytest.raises(CgaGenerationError):
        cga_generate(GEN_DER, GEN_PREFIX, 0, lambda n: bytes(n), dad_collision=three_collisions)
    assert len(seen) == 3


def test_subnet_prefix_network_must_be_a_64() -> None:
    """A CGA's subnet prefix is the leftmost 64 bits (RFC 3972 §3): a /48 network is refused.

    Kills the removed ``raise ValueError('a CGA subnet prefix is 64 bits')``.
    """
    with pytest.raises(ValueError, match="64 bits"):
        cga_generate(GEN_DER, IPv6Network("2001:db8:1::/48"), 0, lambda n: bytes(n))
    g = cga_generate(GEN_DER, IPv6Network("2001:db8:1:2::/64"), 0, lambda n: bytes(n))
    assert g.address.packed[:8] == bytes.fromhex("20010db800010002")


@pytest.fixture(scope="module")
def pool2() -> Iterator[ModifierSearchPool]:
    with ModifierSearchPool(2) as pool:
        yield pool


def test_pool_search_tries_the_last_modifier_of_a_work_unit(pool2: ModifierSearchPool) -> None:
    """Every modifier is tried (RFC 3972 §4 step 3), the last one of a work unit too.

    With two workers a Sec 1 search hands out units of 8192 modifiers; starting 8191
    below a Sec 1 modifier whose low 16 bits are zero (found offline, none in between)
    puts it last in the first unit, after a partial inner block. Kills
    ``while remaining > 0`` -> ``> 1`` in ``_search_range``.
    """
    target = 0x3547CB112AC4489AF2310C0694C80000
    initial = (target - 8191).to_bytes(16, "big")
    assert int.from_bytes(find_modifier(GEN_DER, 1, initial, processes=1)[0], "big") == target
    modifier, _ = find_modifier(GEN_DER, 1, initial, pool=pool2, poll_seconds=0.05)
    assert int.from_bytes(modifier, "big") == target


def test_pool_search_wraps_around_the_modifier_space(pool2: ModifierSearchPool) -> None:
    """The modifier is a 128-bit field incremented modulo 2^128 (RFC 3972 §4 step 3):
    a search starting 8092 below the top wraps to small modifiers. With two workers
    and units of 8192 modifiers, the first unit (the top of the space) holds no Sec 1
    modifier, so the answer comes from the second unit, which starts past 2^128 and
    must wrap (checked offline: the first Sec 1 modifier from there is 0x1F3C).

    Kills ``start % (1 << 128)`` -> ``(2 << 128)`` and -> ``(1 << 129)`` in ``_search_range``.
    """
    initial = ((1 << 128) - 8092).to_bytes(16, "big")
    modifier, _ = find_modifier(GEN_DER, 1, initial, pool=pool2, poll_seconds=0.05)
    assert int.from_bytes(modifier, "big") == 0x1F3C
    # The sequential search wraps too, and counts the modifiers tried across the wrap.
    assert find_modifier(GEN_DER, 1, initial, processes=1) == (modifier, 8092 + 0x1F3C + 1)


def test_sec_seven_is_a_valid_sec() -> None:
    """Sec 7 is the largest 3-bit Sec (RFC 3972 §2): its search starts (here stopped at
    once) rather than being refused. Kills ``0 <= sec <= 7`` -> ``0 <= sec < 7``.
    """
    stop = threading.Event()
    stop.set()
    with pytest.raises(CgaGenerationError):
        find_modifier(GEN_DER, 7, bytes(16), processes=1, stop=stop)


def test_generated_cga_equality_ignores_the_work_count() -> None:
    """A CgaGenerated is the CGA (address, parameters, Sec, RFC 3972 §4 step 9); the
    search work is a statistic: equal CGAs compare equal whatever their hash counts,
    and one built from known parameters (no search) reports no work.

    Kills ``hashes: int = field(default=0, compare=False)`` -> ``default=1`` and ->
    ``compare=True``.
    """
    g = cga_generate(GEN_DER, GEN_PREFIX, 1, lambda n: bytes(n), processes=1)
    assert g.hashes > 0
    assert dataclasses.replace(g, hashes=g.hashes + 1) == g
    assert CgaGenerated(g.address, g.parameters, g.sec).hashes == 0


def test_one_worker_pool_waits_for_its_worker() -> None:
    """A pool of one worker answers the sequential modifier (RFC 3972 §4 step 3): the
    search returns only once every worker has reported. Kills ``finished = 0`` -> ``1``
    in ``ModifierSearchPool.search``.
    """
    initial = int.from_bytes(hashlib.sha256(b"one worker").digest()[:16], "big")
    with ModifierSearchPool(1) as pool:
        modifier, _ = find_modifier(GEN_DER, 1, initial.to_bytes(16, "big"), pool=pool,
                                    poll_seconds=0.05)
    assert int.from_bytes(modifier, "big") == _first_sec1_modifier(initial)


def test_multi_process_searches_run_in_workers() -> None:
    """``find_modifier`` hands the search to worker processes when asked for more than
    one process, and by default for Sec >= 2 (its docstring); a worker search reports
    its work to ``progress`` when it ends, even if stopped at once (RFC 3972 §4 step 3
    expects 2^(16*Sec) hashes). The sequential search of a Sec 1 modifier found in
    its first work unit reports nothing.

    Kills ``processes > 1`` -> ``> 2``, ``os.cpu_count() or 1`` -> ``and`` and the
    workers' ``counter.value += batch_size`` -> ``-=`` (the count would wrap around).
    """
    initial = int.from_bytes(hashlib.sha256(b"workers").digest()[:16], "big").to_bytes(16, "big")
    calls: list[tuple[int, int]] = []
    find_modifier(GEN_DER, 1, initial, processes=1, progress=lambda d, e: calls.append((d, e)))
    assert calls == []
    _, hashes = find_modifier(GEN_DER, 1, initial, processes=2,
                              progress=lambda d, e: calls.append((d, e)), poll_seconds=0.05)
    assert calls and calls[-1][1] == 1 << 16
    # Whole work units are counted; a Sec 1 search needs a few, never 2^24 hashes.
    assert 0 < hashes < 1 << 24 and calls[-1][0] == hashes
    calls.clear()
    stop = threading.Event()
    stop.set()
    with pytest.raises(CgaGenerationError):
        find_modifier(GEN_DER, 2, initial, progress=lambda d, e: calls.append((d, e)), stop=stop,
                      poll_seconds=0.05)
    assert calls and calls[-1][1] == 1 << 32


def test_pool_workers_leave_sigint_to_the_parent() -> None:
    """^C reaches every process of the foreground group; the pool's workers ignore it
    (the parent handles it and stops them, ModifierSearchPool.search), so a pool whose
    caller caught the interrupt still answers the sequential modifier (RFC 3972 §4
    step 3). Kills the removed ``signal.signal(signal.SIGINT, signal.SIG_IGN)``.
    """
    initial = int.from_bytes(hashlib.sha256(b"sigint").digest()[:16], "big")
    before = {p.pid for p in multiprocessing.active_children()}
    # A shell without job control starts background jobs with SIGINT ignored, and the
    # workers would inherit that; give them the ordinary disposition to start from.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with ModifierSearchPool(2) as pool:
            workers = {p.pid for p in multiprocessing.active_children()} - before
            find_modifier(GEN_DER, 1, bytes(16), pool=pool, poll_seconds=0.05)  # workers up
            for pid in workers:
                os.kill(pid, signal.SIGINT)
            time.sleep(0.2)
            modifier, _ = find_modifier(GEN_DER, 1, initial.to_bytes(16, "big"), pool=pool,
                                        poll_seconds=0.05)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert int.from_bytes(modifier, "big") == _first_sec1_modifier(initial)


def test_pool_search_polls_healthy_workers_without_a_stop_flag(
        pool2: ModifierSearchPool) -> None:
    """While workers search, the parent polls them (here every millisecond): healthy
    workers and no stop flag let the search run to the sequential answer (RFC 3972 §4
    step 3). Kills the negated "a worker died" check and ``stop is not None and
    stop.is_set()`` -> ``or`` in ``ModifierSearchPool.search``.
    """
    initial = int.from_bytes(hashlib.sha256(b"polling").digest()[:16], "big")
    modifier, _ = find_modifier(GEN_DER, 1, initial.to_bytes(16, "big"), pool=pool2,
                                poll_seconds=0.001)
    assert int.from_bytes(modifier, "big") == _first_sec1_modifier(initial)


def test_pool_with_a_dead_worker_reports_it() -> None:
    """A search on a pool whose worker has died ends with CgaGenerationError instead of
    waiting for ever (its units would never be searched). Kills the removed ``raise
    CgaGenerationError('a modifier search worker died')`` and ``not p.is_alive()`` ->
    ``p.is_alive()``.
    """
    before = {p.pid for p in multiprocessing.active_children()}
    with ModifierSearchPool(2) as pool:
        workers = sorted({p.pid for p in multiprocessing.active_children()} - before)
        os.kill(workers[0], signal.SIGKILL)
        time.sleep(0.2)
        with pytest.raises(CgaGenerationError, match="died"):
            find_modifier(GEN_DER, 3, bytes(16), pool=pool, poll_seconds=0.05)


def test_pool_may_have_more_workers_than_cpus() -> None:
    """Any worker count serves (the machine running the tests has two CPUs): five workers
    split a Sec 1 search and answer the sequential modifier (RFC 3972 §4 step 3).
    Kills ``expected // (4 * self.processes)`` -> ``// (4 // self.processes)``.
    """
    initial = int.from_bytes(hashlib.sha256(b"five").digest()[:16], "big")
    with ModifierSearchPool(5) as pool:
        modifier, _ = find_modifier(GEN_DER, 1, initial.to_bytes(16, "big"), pool=pool,
                                    poll_seconds=0.05)
    assert int.from_bytes(modifier, "big") == _first_sec1_modifier(initial)


def test_a_batch_is_abandoned_when_stopped_or_when_a_lower_batch_has_hit() -> None:
    """A worker's batch ends early when the search is stopped, or when a batch below it
    has found a modifier (the lowest hit is the answer, RFC 3972 §4 step 3, so higher
    batches need not finish). Kills ``_Abort.is_set`` returning None and its ``or`` ->
    ``and``.
    """
    stop = threading.Event()
    best = SimpleNamespace(value=5)
    abort = _Abort(stop, best, 5)  # type: ignore[arg-type]
    assert abort.is_set() is False  # best is this batch itself: go on
    best.value = 4
    assert abort.is_set() is True  # a lower batch hit
    best.value = 6
    stop.set()
    assert abort.is_set() is True  # stopped
    template = bytearray(bytes(16) + bytes(9) + GEN_DER)
    assert _search_range(template, 0, 1 << 20, 2, abort) is None  # stops before any hash


def test_pool_counts_the_work_of_each_search_from_zero() -> None:
    """The work a pool search reports is whole work units (each a multiple of 4096
    modifiers) of that search alone, on a fresh pool and on a reused one. Kills
    ``self._counter.value = 0`` -> ``1`` in ``ModifierSearchPool.search``.
    """
    with ModifierSearchPool(2) as pool:
        for seed in (b"count one", b"count two"):
            initial = int.from_bytes(hashlib.sha256(seed).digest()[:16], "big")
            _, hashes = find_modifier(GEN_DER, 1, initial.to_bytes(16, "big"), pool=pool,
                                      poll_seconds=0.05)
            assert hashes > 0 and hashes % 4096 == 0


def test_pool_workers_do_not_hold_up_the_programs_exit() -> None:
    """The workers are daemonic: a program that leaves without closing its pool is not
    held up by them (multiprocessing ends daemonic children at exit). Kills
    ``daemon=True`` -> ``False`` in ``ModifierSearchPool.__init__``.
    """
    before = {p.pid for p in multiprocessing.active_children()}
    with ModifierSearchPool(2):
        workers = [p for p in multiprocessing.active_children() if p.pid not in before]
        assert len(workers) == 2 and all(p.daemon for p in workers)


def test_a_search_after_an_interrupted_one_counts_only_its_own_work() -> None:
    """After an interrupted search the pool waits until every worker has left it, so the
    next search neither waits for the old search's work units nor counts them: a Sec 1
    search (work units of 8192 modifiers on two workers) whose modifier lies under 2^19
    modifiers from its start reports less than one Sec 3 work unit (2^20), and answers
    the sequential modifier (RFC 3972 §4 step 3). Kills ``finished += 1`` -> ``+= 2`` in
    ``ModifierSearchPool._drain`` (one worker left in the old search, which resumes it
    when the next search clears the stop flag).
    """

    def interrupt_at_second_report(done: int, expected: int) -> None:
        reports.append(done)
        if len(reports) == 2:
            raise RuntimeError("interrupted")

    with ModifierSearchPool(2) as pool:
        for seed in (b"after %d" % i for i in range(8)):  # the race, eight times over
            reports: list[int] = []
            with pytest.raises(RuntimeError):
                find_modifier(GEN_DER, 3, bytes(16), pool=pool,
                              progress=interrupt_at_second_report, poll_seconds=0.01)
            initial = int.from_bytes(hashlib.sha256(seed).digest()[:16], "big")
            expected = _first_sec1_modifier(initial)
            assert expected - initial < 1 << 19
            modifier, hashes = find_modifier(GEN_DER, 1, initial.to_bytes(16, "big"),
                                             pool=pool, poll_seconds=0.01)
            assert int.from_bytes(modifier, "big") == expected
            assert hashes < 1 << 20
