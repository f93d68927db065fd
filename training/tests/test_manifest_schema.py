"""The trainer's manifest check and the engine's (src/shared/manifest.ts) give the same verdicts on
test/fixtures/manifest-verdicts.json (test/unit/manifest-schema.test.ts runs the engine's side)."""

import copy
import json
from pathlib import Path

import pytest

from medseg_training.export import manifest_problems
from medseg_training.manifest_schema import manifest_structure_problems, schema_problems

VERDICTS = json.loads((Path(__file__).resolve().parents[2] / "test" / "fixtures" / "manifest-verdicts.json").read_text())


def case_manifest(case):
    """The case's base with dotted paths set, then unset (as caseManifest does in the vitest test)."""
    m = copy.deepcopy(VERDICTS["bases"][case["base"]])

    def parent_of(path):
        *keys, last = path.split(".")
        node = m
        for k in keys:
            node = node[k]
        return node, last

    for path, value in case.get("set", {}).items():
        node, key = parent_of(path)
        node[key] = value
    for path in case.get("unset", []):
        node, key = parent_of(path)
        del node[key]
    return m


@pytest.mark.parametrize("case", VERDICTS["cases"], ids=lambda c: json.dumps({k: v for k, v in c.items() if k != "valid"}))
def test_export_gives_the_engines_verdict(case):
    m = case_manifest(case)
    # A model that matches the manifest, so only the manifest's own rules decide.
    inp = m.get("input") if isinstance(m.get("input"), dict) else {}
    labels = (m.get("output") or {}).get("labels") if isinstance(m.get("output"), dict) else None
    problems = manifest_problems(m, inp.get("channels", 1), len(labels) if isinstance(labels, list) and labels else 1)
    assert (problems == []) == case["valid"], problems


def test_problems_name_the_field():
    m = case_manifest({"base": "clickGuided", "set": {"input.channels": 0, "interaction.focus.minFraction": 2},
                       "unset": ["output.threshold"]})
    assert manifest_structure_problems(m) == ['"input.channels" must be at least 1', '"output.threshold" is missing',
                                              '"interaction.focus.minFraction" must be at most 1']
    assert manifest_structure_problems([]) == ["the manifest must be an object"]


def test_a_keyword_the_checker_does_not_know_fails_loudly():
    with pytest.raises(ValueError, match="pattern"):
        schema_problems({"type": "string", "pattern": "^[a-z]+$"}, "x")


def test_the_export_still_checks_the_manifest_against_the_model():
    m = VERDICTS["bases"]["plain"]
    assert manifest_problems(m, 3, 1)[0] == '"input.channels" is 1 but the model takes 3'
    assert manifest_problems(m, 1, 2) == ["sigmoid output: 2 output channel(s) but 1 label(s)"]
