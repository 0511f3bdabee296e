"""Run the adversarial suite against every bug-zoo variant and record what caught it.

``python -m tests.zoo.run [--json reference/data/zoo_results.json]`` (from the
repository root) runs the stateful suite against each variant with a fixed
seed, and writes, per variant: the requirement it breaks, whether it was
caught, the invariant ("check") that caught it, the number of hypothesis
steps executed until the first failure (including the failing one), and the
minimal failing sequence of rules hypothesis shrank it to.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, settings

from tests.adversarial.harness import INVARIANTS
from tests.adversarial.machine import machine_for
from tests.zoo.variants import VARIANTS, Variant

ZOO_SETTINGS = settings(derandomize=True, max_examples=600, stateful_step_count=30,
                        deadline=None, database=None,
                        phases=[Phase.generate],
                        suppress_health_check=list(HealthCheck))


def attack(variant: Variant, budget: settings = ZOO_SETTINGS) -> dict[str, Any]:
    """Run the stateful suite against one variant; what caught it and after how many steps."""
    machine = machine_for(ar=variant.cls if variant.role == "AR" else None,
                          mn=variant.cls if variant.role == "MN" else None,
                          name=variant.name.replace("-", "_"))
    machine.TestCase.settings = budget
    start = time.perf_counter()
    error: BaseException | None = None
    try:
        machine.TestCase().runTest()
    except BaseException as exc:
        error = exc
    elapsed = time.perf_counter() - start
    text = "" if error is None else f"{type(error).__name__}: {error}"
    match = re.search(r"\[([a-z-]+)\]", text)
    check = match.group(1) if match else ("crash" if error is not None else None)
    rules = re.findall(r"state\.(\w+)\(", (getattr(error, "__notes__", [""]) and
                       "\n".join(getattr(error, "__notes__", []))) or text)
    return {
        "variant": variant.name,
        "role": variant.role,
        "requirement": variant.requirement,
        "fault": variant.fault,
        "caught": error is not None,
        "check": check,
        "check_description": INVARIANTS.get(check or "", text[:200] if check else ""),
        "steps_to_first_failure": machine.first_failure_at or (
            machine.steps_taken + 1 if error is not None else None),
        "steps_executed": machine.steps_taken,
        "seconds": round(elapsed, 1),
        "failing_sequence": [r for r in rules if r not in ("invariants_hold", "teardown")],
        "error": text[-600:],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("variants", nargs="*", help="variant names (default: all)")
    args = parser.parse_args(argv)
    chosen = [v for v in VARIANTS if not args.variants or v.name in args.variants]
    results = []
    for v in chosen:
        r = attack(v)
        results.append(r)
        print(f"{v.name:45} {v.requirement:20} caught={r['caught']!s:5} by {r['check']!s:18} "
              f"steps={r['steps_to_first_failure']} ({r['seconds']} s)", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps({
            "generated_by": "python -m tests.zoo.run --json reference/data/zoo_results.json",
            "suite": "tests/adversarial (hypothesis RuleBasedStateMachine, derandomized)",
            "invariants": INVARIANTS,
            "variants": results,
        }, indent=2) + "\n")
    return 0 if all(r["caught"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
