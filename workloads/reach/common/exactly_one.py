"""Models that take exactly one of two optional fields, checked alike by pydantic and, where the
model is part of a custom resource's schema, by the API server (a CEL rule in the CRD, written
from the same declaration). The operator's ConfigValue and the pipelines' SyncSource use it."""

from __future__ import annotations

from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, model_validator


def _names(model: type[ExactlyOne]) -> tuple[str, str]:
    """The two fields as the wire spells them (their aliases)."""
    first, second = (model.model_fields[name].alias or name for name in model.exactly_one)
    return first, second


def _message(model: type[ExactlyOne]) -> str:
    return "set exactly one of {} and {}".format(*_names(model))


def _cel_rule(schema: dict[str, Any], model: type[BaseModel]) -> None:
    assert issubclass(model, ExactlyOne)
    first, second = _names(model)
    rule = {"rule": f"has(self.{first}) != has(self.{second})", "message": _message(model)}
    schema.setdefault("x-kubernetes-validations", []).append(rule)


class ExactlyOne(BaseModel):
    """A subclass names its two optional fields in `exactly_one`."""

    model_config = ConfigDict(json_schema_extra=_cel_rule)
    exactly_one: ClassVar[tuple[str, str]]

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        first, second = (getattr(self, name) for name in self.exactly_one)
        if (first is None) == (second is None):
            raise ValueError(_message(type(self)))
        return self
