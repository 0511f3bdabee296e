"""The JSON Schema of the corpus (written to ``vectors/schema.json``).

The format follows Project Wycheproof's: a file holds test groups, a group
holds the configuration of the node under test and its test cases, a case
has ``tcId``, ``comment``, ``flags`` (requirement IDs of
:mod:`rfc5269.requirements` and clarification IDs ``CL-xx``) and ``result``.
Where Wycheproof cases carry one input, ours carry a short script of
``steps`` for one fresh node; docs/vectors.md explains every field.
"""

from __future__ import annotations

from typing import Any

HEX = {"type": "string", "pattern": "^([0-9a-f]{2})*$"}
ADDRESS = {"type": "string", "minLength": 2}
TIME = {"type": "number", "description": "seconds since 1970-01-01 UTC (SEND Timestamp epoch)"}

_STEP_COMMON: dict[str, Any] = {
    "time": TIME,
    "label": {"type": "string"},
    "accept": {"type": ["boolean", "null"],
               "description": "true: the node must accept this input; false: it must reject "
                              "it and keep its state; null: either"},
    "subject": {"type": "boolean",
                "description": "the step the case's result speaks about (exactly one)"},
    "checks": {"$ref": "#/$defs/checks"},
}


def _step(op: str, required: list[str], props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": ["op", "time", "accept", *required],
            "additionalProperties": False,
            "properties": {"op": {"const": op}, **_STEP_COMMON, **props}}


SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://example.invalid/rfc5269/vectors/schema.json",
    "title": "RFC 5269 test vectors",
    "type": "object",
    "required": ["algorithm", "formatVersion", "suite", "header", "numberOfTests", "notes",
                 "testGroups"],
    "additionalProperties": False,
    "properties": {
        "algorithm": {"const": "RFC5269-handover-key"},
        "formatVersion": {"const": "1"},
        "schema": {"type": "string"},
        "suite": {"type": "string"},
        "header": {"type": "array", "items": {"type": "string"}},
        "numberOfTests": {"type": "integer", "minimum": 0},
        "notes": {"type": "object", "additionalProperties": {
            "type": "object", "required": ["bugType", "description"],
            "properties": {"bugType": {"type": "string"}, "description": {"type": "string"},
                           "effect": {"type": "string"}}}},
        "testGroups": {"type": "array", "items": {"$ref": "#/$defs/group"}},
    },
    "$defs": {
        "group": {
            "type": "object",
            "required": ["type", "role", "config", "tests"],
            "additionalProperties": False,
            "properties": {
                "type": {"type": "string"},
                "role": {"enum": ["AR", "MN"]},
                "comment": {"type": "string"},
                "config": {"type": "object",
                           "description": "the node under test: rfc5269.vectors.nodes "
                                          "ar_config_json / mn_config_json"},
                "tester": {"type": "object",
                           "description": "the tester's own keys (informative)"},
                "tests": {"type": "array", "items": {"$ref": "#/$defs/case"}},
            },
        },
        "case": {
            "type": "object",
            "required": ["tcId", "comment", "flags", "result", "steps"],
            "additionalProperties": False,
            "properties": {
                "tcId": {"type": "integer", "minimum": 1},
                "comment": {"type": "string"},
                "flags": {"type": "array", "minItems": 1, "items": {
                    "type": "string",
                    "pattern": "^(RFC[0-9]+-[0-9.]+-[MSY][0-9]+|CL-[0-9]{2})$"}},
                "result": {"enum": ["valid", "invalid", "acceptable"]},
                "steps": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/step"}},
            },
        },
        "step": {"oneOf": [
            _step("receive", ["packet"], {"packet": HEX}),
            _step("prime_key", ["owner", "peer", "key", "at", "lifetime"], {
                "owner": ADDRESS, "peer": ADDRESS, "key": HEX,
                "at": {"type": "integer", "minimum": 0, "maximum": 15},
                "lifetime": {"type": "number"}}),
            _step("prime_solicitation", ["router", "nonce", "identifier", "newAccessPoint",
                                         "requestedAt", "hkepkPrivateKey"], {
                "router": ADDRESS, "nonce": HEX,
                "identifier": {"type": "integer", "minimum": 0, "maximum": 65535},
                "newAccessPoint": HEX, "requestedAt": {"type": "integer"},
                "hkepkPrivateKey": HEX}),
            _step("request_key", ["router", "newAccessPoint"], {
                "router": ADDRESS, "newAccessPoint": HEX}),
            _step("start_handover", ["par", "ncoa", "fromParLink"], {
                "par": ADDRESS, "ncoa": ADDRESS, "fromParLink": {"type": "boolean"}}),
            _step("wait", [], {}),
        ]},
        "range": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
        "checks": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "reply": {"type": "object", "required": ["hkepkPrivateKey", "nonce",
                                                         "requester", "at", "lifetime"]},
                "keysUnchanged": {"const": True},
                "keyCount": {"type": "integer"},
                "binding": {"type": "object", "required": ["pcoa", "ncoa", "sequence"]},
                "fback": {"type": "object", "required": ["key", "at", "status",
                                                         "careOfAddress", "par"]},
                "forwardingUnchanged": {"const": True},
                "mnKey": {"type": "object", "required": ["key", "at", "peers", "owner"]},
                "mnKeysUnchanged": {"const": True},
                "noDecryption": {"const": True},
                "noForwarding": {"const": True},
                "neighbourInfo": {"type": "object", "required": [
                    "narLinkLayerAddress", "narAddress", "narPrefix"]},
                "backoff": {"type": "object", "required": ["message", "atLeast", "atMost"],
                            "additionalProperties": False, "properties": {
                                "message": {"enum": ["RtSolPr", "CPS"]},
                                "atLeast": {"type": "integer", "minimum": 0},
                                "atMost": {"type": "integer", "minimum": 1},
                                "since": {"type": "number"}}},
                "cps": {"type": "object", "required": ["router"]},
                "cpa": {"type": "object", "required": ["identifier", "destination",
                                                       "components", "trustAnchorOption"]},
                "rtsolpr": {"type": "object", "required": ["router"]},
                "fbu": {"type": "object", "required": ["key", "at", "par", "pcoa", "ncoa",
                                                       "fromParLink"]},
            },
        },
    },
}
"""JSON Schema (draft 2020-12) of one corpus file."""
