"""Cron schedules as a CronJob takes them, checked field by field where a resource is admitted.

`Schedule` is the type of every schedule field (`common.ScheduledSpec`, `ScrapeFlowSpec`). Its
rules are data: regular expressions over the whole schedule (RE2 and Python's `re` read them
alike), each with a message naming the field, and one comparison of range ends. The field's
JSON schema carries them to the CRD as CEL `x-kubernetes-validations`, and the same rules run in
Python when the operator parses a spec, so `kubectl apply` and the operator refuse the same
schedules in the same words. The grammar is the one Kubernetes' cron parser accepts: five
space-separated fields, each a list of `*`, `?`, a value or a range `a-b`, optionally stepped
`/n` (n >= 1); month and day-of-week names (case-insensitive); the `@` macros and `@every`. Day
of week is 0-6: the API server's parser refuses 7 for Sunday.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, Field

from reach.operator.api.cel import cel_string

MACROS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
# `@every <Go duration>`, which CronJob takes too.
EVERY = r"@every ([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))+"
MAX_LENGTH = 128


@dataclass(frozen=True)
class CronField:
    """One of the five fields: its name, its range and the names it also takes."""

    name: str
    low: int
    high: int
    number: str  # a regular expression of the numbers low..high without leading zeros
    names: tuple[str, ...] = ()

    def value(self) -> str:
        """One value of the field, leading zeros allowed (the parser reads them as decimal)."""
        return f"(0*({self.number}){''.join('|' + n for n in self.names)})"

    def pattern(self) -> str:
        """The field: a comma-separated list of stepped values, ranges or wildcards."""
        value = self.value()
        item = rf"([*?]|{value}(-{value})?)(/0*[1-9][0-9]*)?"
        return f"{item}(,{item})*"

    def accepts(self) -> str:
        named = f" or {self.names[0]}-{self.names[-1]}" if self.names else ""
        return f"{self.low}-{self.high}{named}"


FIELDS = (
    CronField("minute", 0, 59, "[1-5]?[0-9]"),
    CronField("hour", 0, 23, "1?[0-9]|2[0-3]"),
    CronField("day of month", 1, 31, "[1-9]|[12][0-9]|3[01]"),
    CronField(
        "month",
        1,
        12,
        "[1-9]|1[0-2]",
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
    ),
    CronField("day of week", 0, 6, "[0-6]", ("sun", "mon", "tue", "wed", "thu", "fri", "sat")),
)
_ANY_FIELD = r"[^ ]+"
# Five fields or a macro; the field rules only judge schedules of this shape, so a schedule of
# the wrong shape gets one message, not six.
SHAPE = "^(" + "|".join(MACROS) + f"|{EVERY}|{_ANY_FIELD}( {_ANY_FIELD}){{4}})$"
SHAPE_MESSAGE = (
    "must be five space-separated cron fields (minute hour day-of-month month day-of-week), "
    f"one of {', '.join(MACROS)}, or @every <duration> (like 90m or 1h30m)"
)


@dataclass(frozen=True)
class CronRule:
    """A schedule passes when it matches `pattern`; `guarded` rules judge five-field schedules
    only (the shape rule speaks for the others, and macros have no fields)."""

    pattern: str
    message: str
    guarded: bool

    def holds(self, schedule: str) -> bool:
        # fullmatch: Python's `$` also matches before a final newline, RE2's does not.
        if self.guarded and (schedule.startswith("@") or not re.fullmatch(SHAPE, schedule)):
            return True
        return re.fullmatch(self.pattern, schedule) is not None

    def cel(self) -> str:
        check = f"self.matches({cel_string(self.pattern)})"
        if not self.guarded:
            return check
        return f"!self.matches({cel_string(SHAPE)}) || self.startsWith('@') || {check}"


def _field_rule(position: int, field: CronField) -> CronRule:
    before = f"({_ANY_FIELD} ){{{position}}}" if position else ""
    after = f"( {_ANY_FIELD}){{{4 - position}}}" if position < 4 else ""
    return CronRule(
        pattern=f"(?i)^{before}{field.pattern()}{after}$",
        message=f"the {field.name} field (field {position + 1} of 5) takes {field.accepts()}: "
        "values, ranges a-b, *, lists a,b and steps /n with n >= 1",
        guarded=True,
    )


RULES = (
    CronRule(SHAPE, SHAPE_MESSAGE, guarded=False),
    *(_field_rule(i, f) for i, f in enumerate(FIELDS)),
)

# Ranges must not run backwards ("5-1", "sat-sun", "dec-3"): the parser refuses them. Numeric
# ends are compared as numbers; a named end by listing every backwards pair of the named fields.
_NUMERIC_RANGE = "[0-9]+-[0-9]+"


def _either(field: CronField, value: int) -> str:
    return f"({field.names[value - field.low]}|0*{value})"


_BACKWARDS_NAMES = (
    "(?i)(^|[ ,])("
    + "|".join(
        f"{_either(f, high)}-{_either(f, low)}"
        for f in FIELDS
        if f.names
        for high in range(f.low, f.high + 1)
        for low in range(f.low, high)
    )
    + ")([/, ]|$)"
)
BACKWARDS_MESSAGE = "a range a-b must not run backwards (a <= b)"
BACKWARDS_CEL = (
    f"!self.matches({cel_string(SHAPE)}) || self.startsWith('@') || "
    f"(!self.matches({cel_string(_BACKWARDS_NAMES)}) && self.findAll('{_NUMERIC_RANGE}')"
    ".all(r, int(r.split('-')[0]) <= int(r.split('-')[1])))"
)


def _runs_backwards(schedule: str) -> bool:
    return re.search(_BACKWARDS_NAMES, schedule) is not None or any(
        int(low) > int(high)
        for low, high in (r.split("-") for r in re.findall(_NUMERIC_RANGE, schedule))
    )


def problems(schedule: str) -> list[str]:
    """What is wrong with a schedule, in the API server's words; empty when it is good."""
    found = [rule.message for rule in RULES if not rule.holds(schedule)]
    if re.fullmatch(SHAPE, schedule) and not schedule.startswith("@") and _runs_backwards(schedule):
        found.append(BACKWARDS_MESSAGE)
    return found


def validations() -> list[dict[str, str]]:
    """The rules as the CRD's `x-kubernetes-validations` of a schedule field."""
    return [{"rule": r.cel(), "message": r.message} for r in RULES] + [
        {"rule": BACKWARDS_CEL, "message": BACKWARDS_MESSAGE}
    ]


def _check(schedule: str) -> str:
    found = problems(schedule)
    if found:
        raise ValueError("; ".join(found))
    return schedule


def _schema_extra(schema: dict[str, Any]) -> None:
    schema["x-kubernetes-validations"] = validations()


Schedule = Annotated[
    str,
    Field(max_length=MAX_LENGTH, json_schema_extra=_schema_extra),
    AfterValidator(_check),
]
