"""rfc5269.proofs — the security properties of RFC 5269 and their prover.

One module per property (``p1_`` ... ``p8_``; P7 is the SEND timestamp
arithmetic sub-model), the named configurations (:mod:`.configs`), the
strengthening lemmas (:mod:`.lemmas`), the engine (:mod:`.engine`), charts
(:mod:`.msc`), clarification entries (:mod:`.clarifications`) and the
``rfc5269 prove`` command (:mod:`.cli`, :mod:`.runner`).

Encoding choices (what paid off, measured while building this):

* One set of rules for both models (:mod:`rfc5269.model.terms`): the Z3
  relation and the concrete step function cannot drift apart; a test fixes
  random concrete (state, event) pairs in the Z3 relation and checks it admits
  exactly the concrete successor.
* Flattened finite domains (tuples of Int/Bool per index) for node state, and
  Z3 arrays over tuple datatypes only for the network history and the ghosts.
  Frame conditions come for free: a rule returns untouched fields by identity
  and the encoder emits ``s'.f == s.f`` for them.
* The attacker as an *enabledness* condition on deliveries (history member or
  buildable from its knowledge) rather than as an explicit message pool.
* Unbounded proofs by 1-induction strengthened with lemmas; history lemmas are
  quantified over set members with the membership as the trigger, which Z3's
  E-matching discharges in well under a second per property. One solver per
  proof with ``push``/``pop`` per lemma goal was about 4x faster than a solver
  per goal on 2 MN / 2 AR.
* BMC encodes the message sets as lists of (condition, message) items
  built functionally along the unrolling, so ``member`` is a disjunction and
  no array theory is needed: P3 at depth 8 went from 4.3 s (arrays) to 0.7 s
  and P3 on 2 MN / 2 AR at depth 7 from 41 s to 6 s; P5 gained less (it is
  dominated by time arithmetic). The induction proofs keep Z3 arrays, where
  quantified lemmas over set members need them; a test checks both
  encodings find the same counterexample depths.
* BMC: one incremental solver, ``push``/``pop`` per depth (shortest
  counterexample first). Asking once for a violation at any depth was faster
  for P5 in one run (31 s against 49 s at depth 10) but slower for P3 (27 s
  against 7 s) and for P5 with list-encoded sets, so incremental is used.
* ``SolverFor("QF_AUFLIA")`` returned wrong models here (constant arrays are
  outside that logic); the default solver is used.
* Ints rather than bit-vectors (the time arithmetic is linear and the ranges
  small); no symmetry reduction was needed at these populations.
"""
