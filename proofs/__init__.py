"""rfc5269.proofs — the security properties of RFC 5269 and their prover.

One module per property (``p1_`` ... ``p12_``; P7 is the SEND timestamp
arithmetic sub-model), the bug zoo in the model (:mod:`.zoo`), the
named configurations (:mod:`.configs`), the
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
  small).

Reductions added with the bug zoo (measured with ``python -m
rfc5269.proofs.bench``, which runs the plain encoding as the baseline in the
same process; CPU seconds, load average about 2 on the shared 2-core
machine, figures vary by about 20 % between runs):

* Symmetry (paid off most): honest MNs are interchangeable, and so are honest
  ARs, so BMC searches only the (MN 0, AR 0) conjunct of P3 and P5
  (``Property.symmetric_instance``; ``tests/model/test_symmetry.py`` checks
  that renaming MNs and ARs maps steps to steps). P5 on 2 MN / 2 AR to
  depth 7: 27.8 s plain, 2.0 s (x14); P3 on 2 MN / 2 AR to depth 7: 4.6 s,
  0.7 s (x6). The shortest counterexample depths are unchanged (a test runs
  both).
* Cone of influence (:func:`rfc5269.proofs.engine.relevant_kinds`): event
  kinds that can change nothing an invariant depends on are left out of the
  unrolling, and the fields outside the cone are frozen. It pays off where
  it removes kinds: P5 with the PAR keeping its key does not need the three
  FBU and forwarding events, 26.6 s to 17.2 s (x1.6) at depth 10 on 1 MN /
  1 AR; for P3 under the RFC reading every kind matters (x0.9, noise).
* One query for a violation at any depth instead of one per depth: only P5
  on 1 MN / 1 AR at depth 10 gains (17.2 s to 10.0 s with the cone); every
  other deep run loses (P3 2 MN / 2 AR x0.5, P2/P8/P1 1 MN / 1 AR 1.5-5x
  slower), so only that run uses it (``Property.deep_bmc_at_once``).
* Did not pay off: ``SolverFor("QF_LIA")`` and tactic pipelines
  (simplify, solve-eqs, elim-uncnstr before smt) on the P5 depth-10 query:
  within noise or slower (8.4 s default, 9.1 s, 10-11 s).

Together: the default ``rfc5269 prove`` went from 87 s of CPU in the workers
(54 s wall at load 1.6, 101 jobs) to 38-41 s of CPU (19 s wall at load 1.4,
25 s at load 2.0; 148 jobs) with the 19 bug-zoo refutations, the P9-P12
proofs and deep runs and the new configurations added.
"""
