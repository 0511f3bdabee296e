"""``rfc5269 bench``: performance and behaviour under load, each figure against a baseline.

Every sub-benchmark measures the implementation and its baseline in the same
run and reports the ratio (never a timed assertion in the tests):

* :mod:`~rfc5269.bench.exchange` — the AR's handling of a valid RtSolPr into a
  signed PrRtAdv, and the MN's handling of that PrRtAdv, for RSA-1024 and
  RSA-2048, against the same RSA operations and hashes called directly;
* :mod:`~rfc5269.bench.rejection` — what an unsigned, malformed or
  wrong-key-hash RtSolPr costs the AR, as a fraction of a valid exchange;
* :mod:`~rfc5269.bench.floor` — the least Python any implementation runs on
  those paths (parse, check, answer; reject), timed beside the two above so
  that a goal out of reach for Python itself shows as such;
* :mod:`~rfc5269.bench.flood` — a simulated link where legitimate MNs ask for
  keys while an attacker floods the AR (RFC 5269 §5, RFC 3971 §9.2.6);
* :mod:`~rfc5269.bench.scale` — bytes per key record and per timestamp-cache
  entry (tracemalloc) and lookup time, for 10^5 and 10^6 MNs;
* :mod:`~rfc5269.bench.fbu` — the PAR's FBU verification rate against raw HMAC;
* :mod:`~rfc5269.bench.model` — the prover's time and the executable model's
  per-step cost, when those packages provide them.

Times are CPU time of this process (``time.process_time``), so other work
on a shared machine disturbs them less than wall time would; protocol time
is a simulated clock handed to the sans-IO nodes.
"""
