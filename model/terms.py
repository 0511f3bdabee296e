"""Terms that are either concrete Python values or Z3 expressions.

The model's step relation (:mod:`rfc5269.model.rules`) is written once against
these helpers. Given concrete ints and bools it computes the next state
directly (the executable model used for trace conformance); given Z3 terms it
builds the transition relation the prover reasons about. The two can therefore
never disagree.
"""

from __future__ import annotations

from typing import Any

import z3

Term = Any
"""An int, a bool, a tuple of terms, a message set or a Z3 expression."""


class ListSet:
    """A message set for bounded unrolling: the messages sent so far, each with its condition.

    ``member`` is a disjunction over the items, so BMC needs no array theory.
    """

    __slots__ = ("items",)

    def __init__(self, items: tuple[tuple[Any, tuple[Any, ...]], ...] = ()) -> None:
        self.items = items

    def member(self, tup: tuple[Any, ...]) -> Any:
        """``tup`` is one of the items whose condition holds."""
        return or_(*(and_(c, eq(t, tup)) for c, t in self.items))

    def member_match(self, pattern: dict[int, Any]) -> Any:
        """Some item whose condition holds has ``pattern[i]`` at position ``i``."""
        return or_(*(and_(c, *(eq(t[i], v) for i, v in pattern.items()))
                     for c, t in self.items))

    def add(self, tup: tuple[Any, ...], cond: Any = True) -> ListSet:
        """The set with one more item."""
        return ListSet((*self.items, (cond, tup)))

    def guarded(self, base: ListSet, cond: Any) -> ListSet:
        """``ite(cond, self, base)`` for a ``self`` that extends ``base``."""
        n = len(base.items)
        if len(self.items) < n or any(
                a is not b for a, b in zip(self.items[:n], base.items, strict=True)):
            raise ValueError("ite over list-encoded sets needs one to extend the other")
        extra = tuple((and_(cond, c), t) for c, t in self.items[n:])
        return ListSet((*base.items, *extra))


def is_concrete(x: Term) -> bool:
    """True for Python values (the concrete model)."""
    return isinstance(x, bool | int)


def ite(c: Term, a: Term, b: Term) -> Term:
    """``a`` if ``c`` else ``b``, element-wise on tuples."""
    if isinstance(c, bool):
        return a if c else b
    if isinstance(a, ListSet):
        return a.guarded(b, c)
    if isinstance(a, tuple):
        return tuple(ite(c, x, y) for x, y in zip(a, b, strict=True))
    return z3.If(c, a, b)


def and_(*xs: Term) -> Term:
    """Conjunction; stays a Python bool when every operand is one."""
    rest: list[Any] = []
    for x in xs:
        if x is False:
            return False
        if x is True:
            continue
        rest.append(x)
    if not rest:
        return True
    if len(rest) == 1:
        return rest[0]
    return z3.And(*rest)


def or_(*xs: Term) -> Term:
    """Disjunction; stays a Python bool when every operand is one."""
    rest: list[Any] = []
    for x in xs:
        if x is True:
            return True
        if x is False:
            continue
        rest.append(x)
    if not rest:
        return False
    if len(rest) == 1:
        return rest[0]
    return z3.Or(*rest)


def not_(x: Term) -> Term:
    """Negation."""
    if isinstance(x, bool):
        return not x
    return z3.Not(x)


def sum_(*xs: Term) -> Term:
    """Sum; stays a Python int when every operand is one."""
    if all(isinstance(x, int) for x in xs):
        return sum(xs)
    return z3.Sum(*xs)


def implies(a: Term, b: Term) -> Term:
    """Implication."""
    return or_(not_(a), b)


def eq(a: Term, b: Term) -> Term:
    """Equality, element-wise on tuples."""
    if isinstance(a, tuple):
        return and_(*(eq(x, y) for x, y in zip(a, b, strict=True)))
    r = a == b
    if isinstance(r, bool):
        return r
    return r


def sel(seq: tuple[Term, ...], i: Term) -> Term:
    """``seq[i]``; for a symbolic index, a chain of ``ite``."""
    if isinstance(i, int):
        return seq[i]
    out = seq[-1]
    for k in range(len(seq) - 2, -1, -1):
        out = ite(i == k, seq[k], out)
    return out


def upd(seq: tuple[Term, ...], i: Term, v: Term) -> tuple[Term, ...]:
    """``seq`` with element ``i`` replaced by ``v``."""
    if isinstance(i, int):
        return (*seq[:i], v, *seq[i + 1:])
    return tuple(ite(i == k, v, old) for k, old in enumerate(seq))


def sel2(t: tuple[tuple[Term, ...], ...], i: Term, j: Term) -> Term:
    """``t[i][j]``."""
    return sel(sel(t, i), j)


def upd2(t: tuple[tuple[Term, ...], ...], i: Term, j: Term, v: Term) -> tuple[Term, ...]:
    """``t`` with ``t[i][j]`` replaced by ``v``."""
    return upd(t, i, upd(sel(t, i), j, v))


def in_range(x: Term, lo: int, hi: int) -> Term:
    """``lo <= x < hi``."""
    if isinstance(x, int):
        return lo <= x < hi
    return z3.And(x >= lo, x < hi)


def member(s: Term, tup: tuple[Term, ...]) -> Term:
    """Membership of a message tuple in a message set."""
    if isinstance(s, frozenset):
        return tup in s
    if isinstance(s, ListSet):
        return s.member(tup)
    ctor = s.domain().constructor(0)
    return z3.Select(s, ctor(*tup))


def member_match(s: Term, pattern: dict[int, Term]) -> Term:
    """Some message of the set has ``pattern[i]`` at position ``i`` (others unconstrained)."""
    if isinstance(s, frozenset):
        return any(all(t[i] == v for i, v in pattern.items()) for t in s)
    if isinstance(s, ListSet):
        return s.member_match(pattern)
    sort = s.domain()
    x = z3.FreshConst(sort, "m")
    return z3.Exists([x], z3.And(z3.Select(s, x), *(
        sort.accessor(0, i)(x) == v for i, v in pattern.items())))


def add(s: Term, tup: tuple[Term, ...]) -> Term:
    """The message set with ``tup`` added."""
    if isinstance(s, frozenset):
        return s | {tup}
    if isinstance(s, ListSet):
        return s.add(tup)
    ctor = s.domain().constructor(0)
    return z3.Store(s, ctor(*tup), True)
