"""Every bug-zoo variant is caught by the adversarial suite (and the reference is not).

The caught-by table in reference/data/zoo_results.json is regenerated with
``python -m tests.zoo.run --json reference/data/zoo_results.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rfc5269 import requirements

from tests.zoo.run import attack
from tests.zoo.variants import VARIANTS, Variant

RESULTS = Path(__file__).resolve().parents[2] / "reference" / "data" / "zoo_results.json"


def test_each_variant_names_one_catalogue_requirement() -> None:
    assert len(VARIANTS) >= 15
    assert len({v.name for v in VARIANTS}) == len(VARIANTS)
    for v in VARIANTS:
        assert requirements.get(v.requirement).id == v.requirement


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.name for v in VARIANTS])
def test_variant_is_caught_by_an_invariant(variant: Variant) -> None:
    result = attack(variant)
    assert result["caught"], f"{variant.name} survived the adversarial suite"
    assert result["check"] not in (None, "crash"), result["error"]


def test_results_table_covers_every_variant() -> None:
    data = json.loads(RESULTS.read_text())
    names = {r["variant"] for r in data["variants"]}
    assert names == {v.name for v in VARIANTS}
    assert all(r["caught"] for r in data["variants"])
