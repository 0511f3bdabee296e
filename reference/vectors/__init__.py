"""Test vectors: a Wycheproof-style corpus for RFC 5269, its generator and its checker.

* :mod:`rfc5269.vectors.generate` — ``generate(DIR)`` writes the corpus
  deterministically (the repository ships it in ``vectors/``);
* :mod:`rfc5269.vectors.schema` — the JSON Schema of the format;
* :mod:`rfc5269.vectors.check` — ``check_corpus(DIR, factory)`` plays every
  case against an implementation and judges it; ``requirement_table`` sums
  the results per requirement;
* :mod:`rfc5269.vectors.nodes` — group configurations as JSON, the priming
  operations, and the reference adapter factory;
* :mod:`rfc5269.vectors.cli` — ``rfc5269 vectors generate|check``.
"""
