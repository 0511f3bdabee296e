"""``rfc5269 ar`` / ``rfc5269 mn`` configuration: PEM files, neighbours, refusals."""

from __future__ import annotations

import subprocess
import sys
from ipaddress import IPv6Address, IPv6Network
from pathlib import Path

import pytest
from rfc5269.errors import ConfigurationError
from rfc5269.nodecli import (
    build_ar,
    build_mn,
    build_parser_for_tests,
    load_certificates,
    load_private_key,
    parse_neighbour,
    write_demo_pki,
)
from rfc5269.send import testpki


def test_demo_pki_files_round_trip(tmp_path: Path) -> None:
    files = write_demo_pki(tmp_path)
    pki = testpki.make_pki(0)
    assert load_certificates(str(files.anchor)) == [pki.anchor.certificate]
    assert load_certificates(str(files.ar_cert_path)) == pki.path
    key = load_private_key(str(files.ar_key))
    assert key.private_numbers() == pki.router.rsa_key.private_numbers()


def test_nodes_build_from_the_files(tmp_path: Path) -> None:
    files = write_demo_pki(tmp_path)
    mac = bytes.fromhex("020000000011")
    args = build_parser_for_tests().parse_args([
        "ar", "--iface", "x", "--key", str(files.ar_key), "--cert-path",
        str(files.ar_cert_path), "--anchor", str(files.anchor), "--seed", "3",
        "--neighbour", "02aabbccddee,020000000009,2001:db8:b::1,2001:db8:b::/64"])
    ar = build_ar(args, mac)
    assert ar.address.is_link_local and ar.config.lla == mac
    assert ar.config.neighbours[0].nar_address == IPv6Address("2001:db8:b::1")
    assert build_ar(args, mac).address == ar.address  # --seed makes the CGA reproducible
    args = build_parser_for_tests().parse_args([
        "mn", "--iface", "x", "--key", str(files.mn_key), "--anchor", str(files.anchor)])
    mn = build_mn(args, mac)
    assert mn.address in IPv6Network("2001:db8:a::/64")
    assert mn.config.lla == mac


def test_ar_refuses_a_key_its_path_does_not_certify(tmp_path: Path) -> None:
    files = write_demo_pki(tmp_path)
    args = build_parser_for_tests().parse_args([
        "ar", "--iface", "x", "--key", str(files.mn_key), "--cert-path",
        str(files.ar_cert_path), "--anchor", str(files.anchor)])
    with pytest.raises(ConfigurationError, match="must certify"):
        build_ar(args, bytes(6))


def test_unreadable_files_are_configuration_errors(tmp_path: Path) -> None:
    files = write_demo_pki(tmp_path)
    with pytest.raises(ConfigurationError):
        load_private_key(str(files.anchor))  # a certificate, not a key
    with pytest.raises(ConfigurationError):
        load_certificates(str(files.ar_key))  # a key, not certificates
    with pytest.raises(ConfigurationError):
        load_private_key(str(tmp_path / "missing.pem"))


def test_neighbour_syntax() -> None:
    n = parse_neighbour("02:aa:bb:cc:dd:ee,02:00:00:00:00:09,2001:db8:b::1,2001:db8:b::/64")
    assert n.access_point == bytes.fromhex("02aabbccddee")
    for bad in ("02aabbccddee,020000000009,2001:db8:b::1",
                "02aabbccddee,020000000009,not-an-address,2001:db8:b::/64",
                "02aabbccddee,020000000009,2001:db8:b::1,2001:db8:b::1/64"):
        with pytest.raises(ConfigurationError):
            parse_neighbour(bad)


def test_unknown_interface_is_reported_not_raised(tmp_path: Path) -> None:
    files = write_demo_pki(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "rfc5269.cli", "mn", "--iface", "no-such-if0", "--key",
         str(files.mn_key), "--anchor", str(files.anchor), "--duration", "1"],
        capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "no such interface" in result.stderr
