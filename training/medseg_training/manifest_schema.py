"""The manifest's structural rules, checked with the engine's own JSON Schema.

``manifest.schema.json`` is written from ``src/shared/manifest-schema.ts`` (the one source; a
vitest test fails when this copy is stale) and test/fixtures/manifest-verdicts.json holds manifests
that this module and the engine's ``manifestProblems`` must both accept or both reject. No
``jsonschema`` package is needed: this checks exactly the keywords that schema uses (type,
required, properties, enum, minimum, maximum, exclusiveMinimum, minLength, minItems, uniqueItems,
items) and fails loudly on any other, so the schema cannot grow a rule Python silently skips.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List

SCHEMA_PATH = Path(__file__).with_name("manifest.schema.json")
_KNOWN = {"$schema", "title", "type", "required", "properties", "enum", "minimum", "maximum",
          "exclusiveMinimum", "minLength", "minItems", "uniqueItems", "items"}
_KINDS = {"object": "an object", "array": "an array", "integer": "an integer", "number": "a number",
          "string": "a string", "boolean": "true or false"}


@lru_cache(maxsize=1)
def manifest_schema() -> Dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _type_ok(value: Any, kind: str) -> bool:
    if kind == "object":
        return isinstance(value, dict)
    if kind == "array":
        return isinstance(value, list)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "string":
        return isinstance(value, str)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    # JSON has one number type: 3.0 parses as a float here but is the integer 3 in the engine.
    return kind == "number" or float(value).is_integer()


def schema_problems(schema: Dict[str, Any], value: Any, path: str = "") -> List[str]:
    """Problems of ``value`` against ``schema``, each naming its field (``"input.channels" must …``)."""
    unknown = set(schema) - _KNOWN
    if unknown:
        raise ValueError(f"manifest.schema.json uses keywords this checker does not know: {sorted(unknown)}")
    name = f'"{path}"' if path else "the manifest"
    kind = schema.get("type")
    if kind is not None and not _type_ok(value, kind):
        return [f"{name} must be {_KINDS[kind]}"]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{name} must be one of {', '.join(json.dumps(v) for v in schema['enum'])}"]
    problems: List[str] = []
    if "minimum" in schema and value < schema["minimum"]:
        problems.append(f"{name} must be at least {schema['minimum']}")
    if "maximum" in schema and value > schema["maximum"]:
        problems.append(f"{name} must be at most {schema['maximum']}")
    if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
        problems.append(f"{name} must be more than {schema['exclusiveMinimum']}")
    if "minLength" in schema and len(value) < schema["minLength"]:
        problems.append(f"{name} must not be empty")
    if isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            problems.append(f"{name} must list at least {schema['minItems']}")
        if schema.get("uniqueItems") and len({json.dumps(v, sort_keys=True) for v in value}) != len(value):
            problems.append(f"{name} must not list anything twice")
        for i, item in enumerate(value):
            if "items" in schema:
                problems += schema_problems(schema["items"], item, f"{path}[{i}]")
    if isinstance(value, dict):
        def at(key: str) -> str:
            return f"{path}.{key}" if path else key
        problems += [f'"{at(key)}" is missing' for key in schema.get("required", []) if key not in value]
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                problems += schema_problems(sub, value[key], at(key))
    return problems


def manifest_structure_problems(manifest: Any) -> List[str]:
    return schema_problems(manifest_schema(), manifest)
