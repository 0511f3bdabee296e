"""The Z3 encoding: symbolic states and events, the initial condition and the transition relation.

The transition relation is built by running the rules of
:mod:`rfc5269.model.rules` on Z3 terms. Unchanged fields are passed through by
identity, so each rule contributes frame conditions only for the fields it
does not touch (``s'.f == s.f``) and nothing else.

Two encodings of the message sets: Z3 arrays over tuple datatypes
(:func:`transition`, used by the induction proofs, where lemmas quantify over
set members), and lists of guarded items built along a bounded unrolling
(:func:`unroll_step`, used by BMC).
"""

from __future__ import annotations

from typing import Any

import z3
from rfc5269.model.config import ModelConfig
from rfc5269.model.events import EVENT_FIELDS, Event, EventRecord, Kind, from_record
from rfc5269.model.rules import RULES
from rfc5269.model.state import (
    FBU_FIELDS,
    KEY_FIELDS,
    PRR_FIELDS,
    RTS_FIELDS,
    RTS_TS_FIELDS,
    State,
    initial_state,
)
from rfc5269.model.terms import ListSet, ite


def _tuple_sort(name: str, names: tuple[str, ...]) -> z3.DatatypeSortRef:
    d = z3.Datatype(name)
    d.declare(f"mk_{name}", *((f"{name}_{n}", z3.IntSort()) for n in names))
    return d.create()


RTS_SORT = _tuple_sort("RtSolPrMsg", RTS_FIELDS)
PRR_SORT = _tuple_sort("PrRtAdvMsg", PRR_FIELDS)
FBU_SORT = _tuple_sort("FbuMsg", FBU_FIELDS)
KEY_SORT = _tuple_sort("HandoverKey", KEY_FIELDS)
RTS_TS_SORT = _tuple_sort("RtSolPrTimestamp", RTS_TS_FIELDS)

SET_SORTS: dict[str, tuple[z3.DatatypeSortRef, tuple[str, ...]]] = {
    "known": (KEY_SORT, KEY_FIELDS),
    "h_rts": (RTS_SORT, RTS_FIELDS),
    "h_prr": (PRR_SORT, PRR_FIELDS),
    "h_fbu": (FBU_SORT, FBU_FIELDS),
    "g_prr_acc": (PRR_SORT, PRR_FIELDS),
    "g_fbu_app": (FBU_SORT, FBU_FIELDS),
    "h_rts_ts": (RTS_TS_SORT, RTS_TS_FIELDS),
}


def _shape_vars(template: Any, name: str) -> Any:
    if isinstance(template, tuple):
        return tuple(_shape_vars(t, f"{name}_{i}") for i, t in enumerate(template))
    if isinstance(template, bool):
        return z3.Bool(name)
    return z3.Int(name)


def symbolic_state(cfg: ModelConfig, tag: str) -> State:
    """Fresh Z3 constants for every field of a state."""
    tmpl = initial_state(cfg).fields()
    out: dict[str, Any] = {}
    for k, v in tmpl.items():
        if k in SET_SORTS:
            sort = SET_SORTS[k][0]
            out[k] = z3.Array(f"{k}_{tag}", sort, z3.BoolSort())
        else:
            out[k] = _shape_vars(v, f"{k}_{tag}")
    return State(**out)


def symbolic_event(tag: str) -> EventRecord:
    """Fresh Z3 constants for every field of the event record."""
    return EventRecord(**{n: z3.Int(f"ev_{n}_{tag}") for n in EVENT_FIELDS})


def _eq(a: Any, b: Any) -> list[Any]:
    if a is b:
        return []
    if isinstance(a, tuple):
        out: list[Any] = []
        for x, y in zip(a, b, strict=True):
            out += _eq(x, y)
        return out
    return [a == b]


def state_eq(a: State, b: State) -> z3.BoolRef:
    """Field-wise equality."""
    fa, fb = a.fields(), b.fields()
    parts: list[Any] = []
    for k in fa:
        parts += _eq(fa[k], fb[k])
    return z3.And(*parts)


def init(cfg: ModelConfig, s: State) -> z3.BoolRef:
    """The initial condition."""
    tmpl = initial_state(cfg).fields()
    parts: list[Any] = []
    for k, v in s.fields().items():
        if k in SET_SORTS:
            parts.append(v == z3.K(SET_SORTS[k][0], z3.BoolVal(False)))
        else:
            parts += _eq(v, tmpl[k])
    return z3.And(*parts)


def _ite_state_eq(
    nxt: State, acc: Any, after: State, cur: State, skip: tuple[str, ...] = (),
) -> list[Any]:
    """``nxt == (after if acc else cur)``, using identity to skip untouched fields."""
    fn, fa, fc = nxt.fields(), after.fields(), cur.fields()
    parts: list[Any] = []

    def walk(n: Any, a: Any, c: Any) -> None:
        if isinstance(n, tuple):
            for x, y, z in zip(n, a, c, strict=True):
                walk(x, y, z)
            return
        if a is c:
            parts.append(n == c)
        elif isinstance(acc, bool):
            parts.append(n == (a if acc else c))
        else:
            parts.append(n == z3.If(acc, a, c))

    for k in fn:
        if k not in skip:
            walk(fn[k], fa[k], fc[k])
    return parts


def transition(
    cfg: ModelConfig, s: State, e: EventRecord, acc: z3.BoolRef, nxt: State,
    kinds: tuple[Kind, ...] = tuple(Kind),
) -> z3.BoolRef:
    """T(s, e, s'): the event is enabled, ``acc`` is the node's verdict, ``nxt`` the result."""
    cases: list[Any] = []
    for k in kinds:
        out = RULES[k](cfg, s, e)
        accepted = out.accepted
        rejected = s if out.after_reject is None else out.after_reject
        body = z3.And(out.enabled, acc == accepted,
                      *_ite_state_eq(nxt, accepted, out.after, rejected))
        cases.append(z3.Implies(e.kind == int(k), body))
    in_kinds = z3.Or(*(e.kind == int(k) for k in kinds))
    return z3.And(in_kinds, *cases)


def bmc_initial_state(cfg: ModelConfig) -> tuple[z3.BoolRef, State]:
    """The initial condition for BMC, with empty list-encoded message sets."""
    s = symbolic_state(cfg, "0")
    s = s.replace(**{name: ListSet() for name in SET_SORTS})
    return init_scalars(cfg, s), s


def init_scalars(cfg: ModelConfig, s: State) -> z3.BoolRef:
    """The initial condition on the scalar fields only."""
    tmpl = initial_state(cfg).fields()
    parts: list[Any] = []
    for k, v in s.fields().items():
        if k not in SET_SORTS:
            parts += _eq(v, tmpl[k])
    return z3.And(*parts)


def unroll_step(
    cfg: ModelConfig, s: State, e: EventRecord, acc: z3.BoolRef, tag: str,
    kinds: tuple[Kind, ...] = tuple(Kind), frozen: frozenset[str] = frozenset(),
) -> tuple[z3.BoolRef, State]:
    """One BMC step: fresh constants for the scalar fields, message sets as terms.

    The sets of the next state are built as ``If(kind = k & accepted, Store(...),
    ...)`` over the previous state's set terms instead of fresh arrays tied by
    equalities, so the solver never needs array extensionality.
    """
    nxt = symbolic_state(cfg, tag)
    nxt = nxt.replace(**{f: getattr(s, f) for f in frozen})
    outs = {k: RULES[k](cfg, s, e) for k in kinds}
    sets: dict[str, Any] = {}
    for name in SET_SORTS:
        if name in frozen:
            sets[name] = getattr(s, name)
            continue
        term = getattr(s, name)
        for k, out in outs.items():
            new = getattr(out.after, name)
            if new is not getattr(s, name):
                term = ite(z3.And(e.kind == int(k), out.accepted), new, term)
            if out.after_reject is not None:
                new = getattr(out.after_reject, name)
                if new is not getattr(s, name):
                    term = ite(z3.And(e.kind == int(k), z3.Not(out.accepted)), new, term)
        sets[name] = term
    nxt = nxt.replace(**sets)
    cases: list[Any] = []
    for k, out in outs.items():
        accepted = out.accepted
        rejected = s if out.after_reject is None else out.after_reject
        scalars = _ite_state_eq(nxt, accepted, out.after, rejected,
                                skip=(*SET_SORTS, *frozen))
        cases.append(z3.Implies(e.kind == int(k), z3.And(out.enabled, acc == accepted, *scalars)))
    in_kinds = z3.Or(*(e.kind == int(k) for k in kinds))
    return z3.And(in_kinds, *cases), nxt


def event_from_model(model: z3.ModelRef, e: EventRecord) -> Event:
    """The concrete event a Z3 model assigns to a symbolic event record."""
    vals = {n: model.eval(getattr(e, n), model_completion=True).as_long() for n in EVENT_FIELDS}
    return from_record(EventRecord(**vals))


def _set_term(sort: z3.DatatypeSortRef, values: frozenset[tuple[int, ...]]) -> Any:
    term: Any = z3.K(sort, z3.BoolVal(False))
    ctor = sort.constructor(0)
    for tup in sorted(values):
        term = z3.Store(term, ctor(*tup), True)
    return term


def equals_concrete(sym: State, conc: State) -> z3.BoolRef:
    """The symbolic state equals a concrete one (message sets included)."""
    parts: list[Any] = []
    fs, fc = sym.fields(), conc.fields()
    for k in fs:
        if k in SET_SORTS:
            parts.append(fs[k] == _set_term(SET_SORTS[k][0], fc[k]))
        else:
            parts += _eq(fs[k], fc[k])
    return z3.And(*parts)


def event_equals_concrete(sym: EventRecord, conc: EventRecord) -> z3.BoolRef:
    """The symbolic event record equals a concrete one."""
    return z3.And(*(getattr(sym, n) == getattr(conc, n) for n in EVENT_FIELDS))


def _leaves(x: Any) -> list[Any]:
    if isinstance(x, tuple):
        return [leaf for item in x for leaf in _leaves(item)]
    return [x]


def field_of_constant(s: State) -> dict[str, str]:
    """Z3 constant name -> state field, for a state from :func:`symbolic_state`."""
    return {leaf.decl().name(): k for k, v in s.fields().items()
            for leaf in _leaves(v) if z3.is_expr(leaf)}


def constants_in(*terms: Any) -> set[str]:
    """Names of the uninterpreted constants occurring in the terms."""
    seen: set[int] = set()
    out: set[str] = set()
    stack = [t for term in terms for t in _leaves(term) if z3.is_expr(t)]
    while stack:
        t = stack.pop()
        if t.get_id() in seen:
            continue
        seen.add(t.get_id())
        if z3.is_const(t) and t.decl().kind() == z3.Z3_OP_UNINTERPRETED:
            out.add(t.decl().name())
        stack.extend(t.children())
    return out


def cone_of_influence(
    cfg: ModelConfig, read: set[str], s: State, e: EventRecord,
) -> tuple[set[str], tuple[Kind, ...]]:
    """The state fields that can influence the fields in ``read``, and the event kinds that can.

    A kind is needed when its rule may write (accepted or rejected) a needed
    field; its enabledness, checks and the values it writes to needed fields
    are then needed too, to a fixpoint. Every other kind only changes fields
    nothing needed depends on, so dropping it from a bounded unrolling keeps
    every trace's projection on the needed fields (one step shorter per
    dropped event): "no violation in k steps" and the shortest
    counterexample depth are the same with and without it.
    """
    names = field_of_constant(s)
    needed = set(read)
    kinds: set[Kind] = set()
    outs = {k: RULES[k](cfg, s, e) for k in Kind}
    before = s.fields()
    done: set[tuple[Kind, str]] = set()  # (kind, needed field it writes) already followed
    changed = True
    while changed:
        changed = False
        for k, out in outs.items():
            afters = [out.after.fields()]
            if out.after_reject is not None:
                afters.append(out.after_reject.fields())
            hit = sorted({f for f in needed for a in afters
                          if a[f] is not before[f] and (k, f) not in done})
            if not hit:
                continue
            done.update((k, f) for f in hit)
            terms = [*(a[f] for f in hit for a in afters)]
            if k not in kinds:
                kinds.add(k)
                terms += [out.enabled, *(c for _, c in out.checks)]
            grown = {names[n] for n in constants_in(*terms) if n in names} - needed
            needed |= grown
            changed = True
    return needed, tuple(k for k in Kind if k in kinds)
