from __future__ import annotations

import pytest
from pydantic import ConfigDict, ValidationError
from pydantic.alias_generators import to_camel

from reach.common.exactly_one import ExactlyOne

pytestmark = pytest.mark.unit


class Source(ExactlyOne):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)
    exactly_one = ("table_name", "query_text")

    table_name: str | None = None
    query_text: str | None = None


@pytest.mark.parametrize("given", [{}, {"tableName": "t", "queryText": "SELECT 1"}])
def test_none_or_both_are_refused_naming_the_fields_as_the_wire_does(given: dict[str, str]) -> None:
    with pytest.raises(ValidationError, match="set exactly one of tableName and queryText"):
        Source.model_validate(given)


def test_either_one_is_taken() -> None:
    assert Source.model_validate({"tableName": "t"}).table_name == "t"
    assert Source.model_validate({"queryText": "SELECT 1"}).query_text == "SELECT 1"


def test_the_crd_gets_the_same_rule_in_cel() -> None:
    schema = Source.model_json_schema(by_alias=True)
    assert schema["x-kubernetes-validations"] == [
        {
            "rule": "has(self.tableName) != has(self.queryText)",
            "message": "set exactly one of tableName and queryText",
        }
    ]
