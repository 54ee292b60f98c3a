"""Admission rules for a scheduled ScrapeFlow's `enqueueParams`, generated from the scraper's
contract (`reach.scraper.contract`): the schema types every parameter any flow takes, and CEL
rules per flow say which keys it takes, which it needs and what each value is, as
`check_enqueue_params` does. `scrapeflow.ScrapeFlowSpec` puts them in its schema.
"""

from __future__ import annotations

from typing import Any

from reach.operator.api.cel import cel, cel_list, cel_string
from reach.scraper.contract import (
    FLOWS,
    MAX_TASKS,
    STALE_AFTER_HOURS,
    FlowName,
    FlowParams,
)

_PARAMS = "self.enqueueParams"
_FANOUT: dict[str, dict[str, Any]] = {
    STALE_AFTER_HOURS: {"type": "integer", "minimum": 0},
    MAX_TASKS: {"type": "integer", "minimum": 0},
}
# Strings without a length of their own in the contract: bounded so the rules' cost is.
_MAX_STRING = 256


def _param_schemas(flow: FlowName) -> dict[str, dict[str, Any]]:
    """Each parameter of the flow's tasks and of its stale fan-out, `X | None` reduced to X."""
    props = dict(FLOWS[flow].params.model_json_schema()["properties"])
    if FLOWS[flow].freshness is not None:
        props.update(_FANOUT)
    return {
        name: next(b for b in prop.get("anyOf", [prop]) if b.get("type") != "null")
        for name, prop in props.items()
    }


def _before_validated(params: type[FlowParams]) -> set[str]:
    """Fields a `before` validator rewrites (e.g. strips an `@`): their raw value need not
    match the field's pattern, so admission does not judge it by one."""
    found: set[str] = set()
    for decorator in params.__pydantic_decorators__.field_validators.values():
        if decorator.info.mode == "before":
            found.update(decorator.info.fields)
    return found


def _value_rule(schema: dict[str, Any], value: str, *, pattern: bool) -> tuple[str, str] | None:
    """A CEL check of one parameter's value beyond its type, and its words; None when the
    type says it all."""
    if "enum" in schema or "const" in schema:
        allowed = schema.get("enum", [schema.get("const")])
        return f"{value} in {cel_list(allowed)}", f"one of {', '.join(allowed)}"
    checks, words = [], []
    if schema.get("type") == "string":
        if "minLength" in schema:
            checks.append(f"size({value}) >= {schema['minLength']}")
        if "maxLength" in schema:
            checks.append(f"size({value}) <= {schema['maxLength']}")
        if schema.get("minLength") or schema.get("maxLength"):
            words.append(f"{schema.get('minLength', 0)}..{schema.get('maxLength', '')} characters")
        if pattern and "pattern" in schema:
            checks.append(f"{value}.matches({cel_string(schema['pattern'])})")
            words.append(f"matching {schema['pattern']}")
    elif schema.get("type") == "integer":
        if "minimum" in schema:
            checks.append(f"{value} >= {schema['minimum']}")
        if "maximum" in schema:
            checks.append(f"{value} <= {schema['maximum']}")
        words.append(f"{schema.get('minimum', '')}..{schema.get('maximum', '')}")
    if not checks:
        return None
    return " && ".join(checks), " ".join(words)


def enqueue_rules(flow: FlowName) -> list[dict[str, Any]]:
    """Admission's view of `check_enqueue_params` for one flow, from its contract: which keys,
    which are needed, what each value is. Cross-field rules (one of channel_id and handle)
    stay with the operator, which reports them as InvalidSpec."""
    params = FLOWS[flow].params
    own = list(params.model_fields)
    required = [k for k, f in params.model_fields.items() if f.is_required()]
    others = sorted(set(_ENQUEUE_PARAMS) - set(own))
    when = f"!has(self.schedule) || self.flow != {cel_string(flow)} || "

    def absent(keys: list[str]) -> str:
        return " && ".join(f"!has({_PARAMS}.{k})" for k in keys) or "true"

    keys, keys_words = absent(others), ", ".join(own)
    need = " && ".join(f"has({_PARAMS}.{k})" for k in required) or "true"
    need_words = ", ".join(required)
    freshness = FLOWS[flow].freshness
    if freshness is not None:
        shared = [k for k in own if k not in freshness.fills]
        stale = f"has({_PARAMS}.{STALE_AFTER_HOURS})"
        keys = f"{stale} ? {absent(sorted(set(_ENQUEUE_PARAMS) - {*shared, *_FANOUT}))} : {keys}"
        keys_words += f"; or {', '.join([*shared, *_FANOUT])}"
        need = f"{stale} || ({need})"
        need_words += f" (or {STALE_AFTER_HOURS})"
    rewritten = _before_validated(params)
    values, words = [], []
    for name, schema in _param_schemas(flow).items():
        rule = _value_rule(schema, f"{_PARAMS}.{name}", pattern=name not in rewritten)
        if rule is not None:
            values.append(f"(!has({_PARAMS}.{name}) || {rule[0]})")
            words.append(f"{name} {rule[1]}")
    rules = [cel(when + f"({keys})", f"enqueueParams of {flow} take {keys_words}")]
    if required:
        rules.append(cel(when + f"({need})", f"enqueueParams of {flow} need {need_words}"))
    if values:
        rules.append(
            cel(when + " && ".join(values), f"enqueueParams of {flow}: " + "; ".join(words))
        )
    return rules


def _union_of_params() -> dict[str, dict[str, Any]]:
    """Every parameter any flow takes, by its type: one schema for enqueueParams, so the API
    server refuses unknown keys and values of the wrong type and CEL can read the rest."""
    union: dict[str, dict[str, Any]] = {}
    for flow in FlowName:
        for name, schema in _param_schemas(flow).items():
            kind = schema.get("type", "string")
            typed: dict[str, Any] = {"type": kind}
            if kind == "string":
                typed["maxLength"] = max(
                    schema.get("maxLength", _MAX_STRING),
                    union.get(name, {}).get("maxLength", 0),
                )
            elif kind == "object":
                typed["x-kubernetes-preserve-unknown-fields"] = True
            if union.get(name, typed)["type"] != kind:
                raise ValueError(f"parameter {name} has two types across flows")
            union[name] = typed
    return union


_ENQUEUE_PARAMS = _union_of_params()


def enqueue_params_schema(schema: dict[str, Any]) -> None:
    schema.pop("additionalProperties", None)
    schema["properties"] = _ENQUEUE_PARAMS
