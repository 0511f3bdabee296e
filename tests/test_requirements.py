"""The requirement catalogue checked against the RFC texts and against its citations.

The RFC texts are read from ../shared/spec (a sibling of the clone in CI, as
here). Their absence fails the tests: the catalogue cannot be trusted unchecked.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from rfc5269 import requirements as reqs
from rfc5269.requirements import Level, Observability, Status

REPO = Path(__file__).resolve().parents[1]
SPEC = Path(__file__).resolve().parents[2] / "shared" / "spec"
CITING_FOLDERS = ("reference", "model", "proofs", "tests")

# Deliberate differences between the number of RFC 2119 keyword occurrences in
# RFC 5269 after §1.1 and the number of RFC5269 entries, with reasons. There
# are none: each occurrence is one entry, also where one keyword governs
# several duties (RFC5269-3.2-M14: certificate, certificate discovery and the
# CGA and RSA Signature options are one MUST; its paraphrase lists all three),
# and where one keyword binds two actors (RFC5269-4.1-M2: senders zero the
# padding, receivers ignore it). §1.1 itself (the RFC 2119 boilerplate that
# names the keywords) and the text before it are excluded; §2, §3.7 and §6–§7
# contain no keywords.
RFC5269_COUNT_ADJUSTMENTS: dict[str, int] = {}


@cache
def spec_text(rfc: int) -> str:
    path = SPEC / f"rfc{rfc}.txt"
    if not path.is_file():
        pytest.fail(f"RFC text {path} is missing: the catalogue cannot be checked")
    return path.read_text("utf-8")


def test_spec_folder_present() -> None:
    assert SPEC.is_dir(), f"{SPEC} is missing (shared/ must be a sibling of the clone)"


def test_ids_unique_and_well_formed() -> None:
    all_reqs = reqs.all_requirements()
    ids = [r.id for r in all_reqs]
    assert len(ids) == len(set(ids))
    assert frozenset(ids) == reqs.REQUIREMENT_IDS
    for r in all_reqs:
        assert reqs.ID_PATTERN.fullmatch(r.id), r.id
        assert r.id.startswith(f"RFC{r.rfc}-{r.section}-{r.level.letter}"), r.id
        assert r.rfc in (5269, 3971, 5568, 3775), r.id
        assert r.text.strip(), r.id


def test_reasons_exactly_where_needed() -> None:
    for r in reqs.all_requirements():
        if r.status is Status.IMPLEMENTED:
            assert r.why == "", f"{r.id}: implemented entries carry no reason"
        else:
            assert len(r.why) > 10, f"{r.id}: {r.status.value} needs a reason"


def test_lookup_functions() -> None:
    r = reqs.get("RFC5269-3.2-M1")
    assert (r.rfc, r.section, r.level, r.actor.value) == (5269, "3.2", Level.MUST, "AR")
    assert r in reqs.by_section(5269, "3.2")
    assert all(x.section == "3.2" and x.rfc == 5269 for x in reqs.by_section(5269, "3.2"))
    assert reqs.by_section(5269, "9.9") == ()
    with pytest.raises(KeyError):
        reqs.get("RFC5269-3.2-M" + "99")


def test_sections_exist_in_the_rfc_texts() -> None:
    for rfc, section in sorted({(r.rfc, r.section) for r in reqs.all_requirements()}):
        assert reqs.section_text(spec_text(rfc), section) is not None, (
            f"RFC {rfc} has no section {section}"
        )


def test_each_entry_names_the_keyword_at_its_ordinal() -> None:
    """The ID's ordinal points at a keyword of exactly the entry's level."""
    problems = []
    for r in reqs.all_requirements():
        body = reqs.section_text(spec_text(r.rfc), r.section)
        assert body is not None
        by_suffix = {k.suffix: k for k in reqs.keyword_occurrences(body)}
        suffix = r.id.rsplit("-", 1)[1]
        k = by_suffix.get(suffix)
        if k is None:
            problems.append(f"{r.id}: the section has no keyword {suffix}")
        elif k.keyword != r.level.value:
            problems.append(f"{r.id}: the RFC says {k.keyword}, the catalogue {r.level.value}")
    assert not problems, "\n".join(problems)


def test_complete_sections_list_every_keyword() -> None:
    partial = set(reqs.partial_sections())
    missing = []
    for rfc, section in sorted({(r.rfc, r.section) for r in reqs.all_requirements()}):
        if f"RFC{rfc}-{section}" in partial:
            continue
        body = reqs.section_text(spec_text(rfc), section)
        assert body is not None
        expected = {f"RFC{rfc}-{section}-{k.suffix}" for k in reqs.keyword_occurrences(body)}
        have = {r.id for r in reqs.by_section(rfc, section)}
        missing += sorted(expected - have)
    assert not missing, f"keywords without catalogue entries: {missing}"


def test_rfc5269_keyword_count_matches_catalogue() -> None:
    text = spec_text(5269)
    after_terminology = text.index("\n2.  Overview of the Protocol\n")
    occurrences = reqs.keyword_occurrences(text[after_terminology:])
    entries = [r for r in reqs.all_requirements() if r.rfc == 5269]
    adjust = sum(RFC5269_COUNT_ADJUSTMENTS.values())
    # counted by hand: 49 MUST, 6 MUST NOT, 6 SHOULD, 3 SHOULD NOT, 5 MAY
    assert len(occurrences) == 69
    assert len(entries) == len(occurrences) + adjust
    assert {r.section for r in entries} <= {"3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "4.1",
                                           "4.2", "5"}


def test_iesg_note_text_is_catalogued() -> None:
    """The IESG approval note's replacement text (router certificate, trust anchors)."""
    note = (SPEC / "iesg-approval-draft-ietf-mipshop-handover-key.txt").read_text("utf-8")
    assert "trust anchors" in note
    body = reqs.section_text(spec_text(5269), "3.2")
    assert body is not None and "certificate discovery" in " ".join(body.split())
    assert reqs.get("RFC5269-3.2-M14").actor.value == "AR"
    assert reqs.get("RFC5269-3.2-M15").actor.value == "MN"


def _words(s: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", s.lower())


def test_paraphrases_do_not_copy_rfc_prose() -> None:
    """No eight consecutive words of an entry's section reappear in its paraphrase."""
    n = 8
    copied = []
    for r in reqs.all_requirements():
        body = reqs.section_text(spec_text(r.rfc), r.section) or ""
        bw = _words(body)
        grams = {tuple(bw[i:i + n]) for i in range(len(bw) - n + 1)}
        tw = _words(r.text)
        if any(tuple(tw[i:i + n]) in grams for i in range(len(tw) - n + 1)):
            copied.append(r.id)
    assert not copied, f"paraphrases repeating RFC wording: {copied}"


def test_keyword_scanner_counts_and_numbers() -> None:
    text = "A MUST b. C SHOULD\n   NOT d, e MAY f; g MUST not h; i must j; REQUIRED."
    ks = reqs.keyword_occurrences(text)
    assert [(k.keyword, k.suffix) for k in ks] == [
        ("MUST", "M1"), ("SHOULD NOT", "S1"), ("MAY", "Y1"), ("MUST NOT", "M2"),
        ("REQUIRED", "M3"),
    ]


def test_find_citations(tmp_path: Path) -> None:
    fake = "RFC" + "9999-1.2-M7"  # split so this file does not cite it
    (tmp_path / "a.py").write_text(f"x = 1\n# implements {fake} and RFC5269-3.2-M1\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text("RFC5269-3.2-M1\n")
    (tmp_path / "c.bin").write_bytes(b"RFC5269-3.2-M2")
    found = reqs.find_citations([tmp_path])
    assert found[fake] == [(str(tmp_path / "a.py"), 2)]
    assert sorted(found["RFC5269-3.2-M1"]) == sorted(
        [(str(tmp_path / "a.py"), 2), (str(tmp_path / "sub" / "b.md"), 1)]
    )
    assert "RFC5269-3.2-M2" not in found


def test_every_cited_id_is_catalogued() -> None:
    found = reqs.find_citations([REPO / d for d in CITING_FOLDERS if (REPO / d).exists()])
    unknown = {i: locs for i, locs in found.items() if i not in reqs.REQUIREMENT_IDS}
    assert not unknown, f"cited IDs missing from the catalogue: {unknown}"


def test_ids_named_inside_the_catalogue_exist() -> None:
    for r in reqs.all_requirements():
        for m in reqs.ID_PATTERN.finditer(r.text + " " + r.why):
            assert m.group(0) in reqs.REQUIREMENT_IDS, f"{r.id} names unknown {m.group(0)}"


def test_every_implemented_must_has_a_test() -> None:
    cited = reqs.find_citations([REPO / "tests"])
    tested = {i for i, locs in cited.items()
              if any(Path(f).name != "test_requirements.py" for f, _ in locs)}
    uncovered = sorted(r.id for r in reqs.all_requirements()
                       if r.mandatory and r.status is Status.IMPLEMENTED and r.id not in tested)
    assert not uncovered, f"{len(uncovered)} implemented MUST/MUST NOT without a test: {uncovered}"


def test_as_dict_round_trips_the_fields() -> None:
    r = reqs.get("RFC5568-10-M4")
    d = r.as_dict()
    assert d["id"] == r.id and d["rfc"] == 5568 and d["section"] == "10"
    assert d["status"] == "out-of-scope" and d["why"] == r.why and r.why
    assert not r.mandatory or r.level in (Level.MUST, Level.MUST_NOT, Level.REQUIRED)


def test_every_implemented_must_is_classified_by_observability() -> None:
    """Each implemented MUST says how a black box sees it; non-wire ones say why."""
    for r in reqs.all_requirements():
        if r.mandatory and r.status is Status.IMPLEMENTED:
            assert r.observable is not None, f"{r.id}: no `observable`"
            if r.observable is Observability.WIRE:
                assert r.observable_why == "", f"{r.id}: wire entries carry no reason"
            else:
                assert len(r.observable_why) > 20, f"{r.id}: {r.observable.value} needs a reason"
        else:
            assert r.observable is None and r.observable_why == "", (
                f"{r.id}: only implemented MUSTs are classified")
    d = reqs.get("RFC5269-3.2-M5").as_dict()
    assert d["observable"] == "internal" and d["observable_why"]
    assert reqs.get("RFC5269-3.2-M4").observable is Observability.WIRE
    assert "observable" not in reqs.get("RFC5568-10-M4").as_dict()


def test_observability_value_is_checked() -> None:
    entry = {"id": "RFC5269-3.2-M4", "level": "MUST NOT", "actor": "AR",
             "status": "implemented", "text": "x", "observable": "visible"}
    with pytest.raises(ValueError):
        reqs._parse(entry)
