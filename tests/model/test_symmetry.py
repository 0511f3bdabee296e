"""Honest MNs are interchangeable, and so are honest ARs: the premise of the symmetry reduction.

BMC searches only the (MN 0, AR 0) conjunct of P3 and P5
(``Property.bmc_invariant``). That is sound when renaming MN 0 <-> MN 1 and
AR 0 <-> AR 1 (CGAs and routers with them; the attacker's CGA and routers
stay put) maps every step of the model to a step with the same verdict and
the renamed result. This checks exactly that on random traces of the concrete
model, for the configurations the deep BMC runs use.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from rfc5269.model.concrete import step
from rfc5269.model.events import EVENT_FIELDS, EventRecord, Kind, to_record
from rfc5269.model.generate import random_event
from rfc5269.model.state import State, initial_state
from rfc5269.proofs.configs import CONFIGS


def _swap(i: Any) -> Any:
    return {0: 1, 1: 0}.get(i, i)


def _grid(rows: Any, value: Any = None) -> Any:
    """Rows and columns both renamed (rows, columns index MNs/CGAs or ARs/routers alike)."""
    out = [list(r) for r in rows]
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            out[_swap(i) if i < 2 else i][_swap(j) if j < 2 else j] = (
                value(v) if value else v)
    return tuple(tuple(r) for r in out)


def _rows(rows: Any, value: Any = None) -> Any:
    out = list(rows)
    for i, v in enumerate(rows):
        out[_swap(i)] = value(v) if value else v
    return tuple(out)


def _set(items: Any, roles: str) -> frozenset[tuple[int, ...]]:
    """Rename tuple fields marked 'x' (an MN/CGA or AR/router index); '.' fields stay."""
    return frozenset(tuple(_swap(v) if r == "x" else v for v, r in zip(t, roles, strict=True))
                     for t in items)


def rename(s: State) -> State:
    prr, fbu = "xx.xx.x..", "xx..xx.."
    return s.replace(
        ar_gen=_grid(s.ar_gen), ar_at=_grid(s.ar_at), ar_exp=_grid(s.ar_exp),
        par_seq=_grid(s.par_seq), fwd=_grid(s.fwd), fwd_until=_grid(s.fwd_until),
        known=_set(s.known, "xx."),
        sl_nonce=_rows(s.sl_nonce), sl_dst=_rows(s.sl_dst, lambda r: tuple(map(_swap, r))),
        sl_at=_rows(s.sl_at), sl_time=_rows(s.sl_time),
        sl_ans=_rows(s.sl_ans, lambda slots: tuple(_rows(a) for a in slots)),
        mk_iss=_grid(s.mk_iss, _swap), mk_own=_grid(s.mk_own, _swap), mk_gen=_grid(s.mk_gen),
        mk_at=_grid(s.mk_at), mk_exp=_grid(s.mk_exp),
        mn_seq=_rows(s.mn_seq), mn_at=_rows(s.mn_at), mn_oracle=_rows(s.mn_oracle),
        h_rts=_set(s.h_rts, "xx.x."), h_prr=_set(s.h_prr, prr),
        h_fbu=_set(s.h_fbu, fbu), g_prr_acc=_set(s.g_prr_acc, prr),
        g_fbu_app=_set(s.g_fbu_app, fbu),
    )


_INDEX_FIELDS = {"mn", "ar", "router", "src", "signer", "hkepk", "iss", "own", "enc", "cga"}


def rename_event(rec: EventRecord) -> EventRecord:
    values = {n: rec.get(n) for n in EVENT_FIELDS}
    for n in _INDEX_FIELDS:
        values[n] = _swap(values[n])
    if Kind(rec.kind) is Kind.PAR_RECEIVES_FBU and rec.spi != 0:
        values.update(iss=0, own=0)  # the canonical key of an FBU under another SPI
    return EventRecord(**values)


@pytest.mark.parametrize("config", ["rfc", "lifetime-anchor=solicitation+par-keeps-key",
                                    "key-index=configured-par-address+draft", "rfc+refined"])
def test_renaming_mns_and_ars_maps_steps_to_steps(config: str) -> None:
    cfg = CONFIGS[config].with_population(2, 2)
    rng = random.Random(3971)
    s = initial_state(cfg)
    seen = set()
    for _ in range(300):
        rec = to_record(random_event(cfg, s, rng))
        a, b = step(cfg, s, rec), step(cfg, rename(s), rename_event(rec))
        assert a.verdict == b.verdict, (rec.__dict__ if hasattr(rec, "__dict__") else rec)
        assert b.state == rename(a.state)
        seen.add(a.verdict)
        s = a.state
    assert seen == {"accepted", "rejected", "disabled"}
