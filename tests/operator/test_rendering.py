"""`reach operator render`: the samples render to exactly what the builders make, through the
real CLI (files and stdin), and invalid input is refused with exit code 2 and a message naming
the file, the document and the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from reach.cli.main import app
from reach.operator.api import KINDS
from reach.operator.api.platform import PlatformSpec
from reach.operator.builders import eventsink, followeranalysis, platform, scheduled, scrapeflow
from reach.operator.builders.common import Manifest, Owner, Runtime
from reach.operator.rendering import RenderError, parse, render

from .conftest import SAMPLES, every_sample, load_samples

pytestmark = pytest.mark.unit
SAMPLE_FILES = sorted(SAMPLES.glob("reach.goodcreator.co_*.yaml"))


def expected(docs: list[dict[str, Any]], namespace: str) -> dict[str, list[Manifest]]:
    """kind -> what the builders make for the samples of that kind, in document order, with the
    owner the render assumes."""
    samples = {}
    for doc in docs:
        samples.setdefault(doc["kind"], doc)

    def owner(doc: dict[str, Any]) -> Owner:
        return Owner(doc["kind"], doc["metadata"]["name"], namespace, "")

    def spec(doc: dict[str, Any]) -> Any:
        model = next(k.spec_model for k in KINDS if k.kind == doc["kind"])
        return model.model_validate(doc["spec"])

    platform_spec = spec(samples["Platform"])
    assert isinstance(platform_spec, PlatformSpec)

    def built(kind: str, build: Any) -> list[Manifest]:
        return [
            manifest
            for doc in docs
            if doc["kind"] == kind
            for manifest in build(
                owner(doc), spec(doc), Runtime.resolve(spec(doc).stores, platform_spec)
            )
        ]

    # The sample ScrapeFlows run on the sample Platform; a scheduled profile refresh suspends
    # the Platform's own stale-profile refresh, as the operator's index would tell it.
    scheduled_flows = frozenset(
        str(spec(doc).flow)
        for doc in docs
        if doc["kind"] == "ScrapeFlow" and spec(doc).enqueues_for_its_platform
    )
    env = platform.scraper_env(platform_spec)
    return {
        "Platform": platform.build(owner(samples["Platform"]), platform_spec, {}, scheduled_flows),
        "ScrapeFlow": built(
            "ScrapeFlow", lambda o, flow, runtime: scrapeflow.build(o, flow, runtime, env, {})
        ),
        "EventSink": built("EventSink", eventsink.build),
        "Leaderboard": built("Leaderboard", scheduled.leaderboard),
        "TableSync": built("TableSync", scheduled.tablesync),
        "FollowerAnalysis": built("FollowerAnalysis", followeranalysis.build),
    }


def by_source_kind(output: str) -> dict[str, list[Manifest]]:
    """The CLI's documents grouped by the kind named in their `# Source:` comment."""
    grouped: dict[str, list[Manifest]] = {}
    for chunk in output.split("\n---\n")[1:]:
        source = chunk.splitlines()[0]
        assert source.startswith("# Source: "), source
        kind = source.rsplit(" ", 1)[1].split("/")[0]
        grouped.setdefault(kind, []).append(yaml.safe_load(chunk))
    return grouped


def test_every_sample_renders_to_what_the_builders_make() -> None:
    samples = every_sample()
    result = CliRunner().invoke(
        app, ["operator", "render", *[a for f in SAMPLE_FILES for a in ("-f", str(f))]]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Rendered by `reach operator render` without a cluster.")
    assert by_source_kind(result.stdout) == expected(samples, "default")
    assert set(expected(samples, "default")) == {kind.kind for kind in KINDS}


def test_stdin_and_a_namespace_for_resources_that_name_none() -> None:
    stream = "---\n".join(f.read_text() for f in SAMPLE_FILES)
    result = CliRunner().invoke(
        app, ["operator", "render", "-f", "-", "-n", "team-a"], input=stream
    )
    assert result.exit_code == 0, result.output
    assert by_source_kind(result.stdout) == expected(every_sample(), "team-a")
    assert "# Source: <stdin>#" in result.stdout


def test_a_resource_finds_its_platform_by_namespace_and_name() -> None:
    doc = yaml.safe_dump(
        load_samples()["ScrapeFlow"] | {"metadata": {"name": "f", "namespace": "b"}}
    )
    platform_doc = yaml.safe_dump(
        load_samples()["Platform"] | {"metadata": {"name": "default", "namespace": "a"}}
    )
    resources = parse("p.yaml", platform_doc) + parse("f.yaml", doc)
    with pytest.raises(
        RenderError,
        match=r"f\.yaml#0 \(ScrapeFlow f\): runs on Platform 'default' in namespace 'b'",
    ):
        render(resources)
    # Stores of its own need no Platform.
    stores = load_samples()["Platform"]["spec"]["stores"]
    own = load_samples()["ScrapeFlow"] | {"metadata": {"name": "f"}}
    own["spec"] = own["spec"] | {"stores": stores}
    [rendered] = render(parse("own.yaml", yaml.safe_dump(own)))
    assert rendered.manifests[0]["metadata"]["namespace"] == "default"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "kind: Secret\napiVersion: v1\n---\napiVersion: reach.goodcreator.co/v1alpha1\n"
            "kind: ScrapeFlow\nmetadata: {name: x}\nspec: {network: instagram, "
            "flow: refresh_instagram_profile, concurrency: 0}\n",
            "bad.yaml#1 (ScrapeFlow x): spec.concurrency: Input should be greater than or equal",
        ),
        (
            "apiVersion: reach.goodcreator.co/v1alpha1\nkind: Leaderboard\nmetadata: {name: x}\n"
            "spec: {}\n",
            "bad.yaml#0 (Leaderboard x): spec.",
        ),
        (
            "apiVersion: reach.goodcreator.co/v1\nkind: ScrapeFlow\nmetadata: {name: x}\n",
            "bad.yaml#0: reach.goodcreator.co/v1 ScrapeFlow is not a Reach custom resource",
        ),
        (
            "apiVersion: reach.goodcreator.co/v1alpha1\nkind: Scrapeflow\nmetadata: {name: x}\n",
            "kind one of Platform, ScrapeFlow",
        ),
        (
            "apiVersion: reach.goodcreator.co/v1alpha1\nkind: TableSync\n",
            "bad.yaml#0: metadata.name: required",
        ),
        ("- a\n- b\n", "bad.yaml#0: a document must be a mapping"),
        ("a: [\n", "bad.yaml: not YAML"),
        ("[" * 100_000, "bad.yaml: not YAML this reader takes: nested too deeply"),
    ],
)
def test_invalid_input_exits_2_naming_file_document_and_field(
    tmp_path: Path, text: str, message: str
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    result = CliRunner().invoke(app, ["operator", "render", "-f", str(bad)])
    assert result.exit_code == 2
    assert message.replace("bad.yaml", str(bad)) in result.stderr
    assert result.stdout == ""


def test_a_missing_or_binary_file_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["operator", "render", "-f", str(tmp_path / "none.yaml")])
    assert result.exit_code == 2
    assert "none.yaml: No such file or directory" in result.stderr
    (tmp_path / "binary.yaml").write_bytes(b"kind: \xff\xfe")
    result = CliRunner().invoke(app, ["operator", "render", "-f", str(tmp_path / "binary.yaml")])
    assert result.exit_code == 2
    assert "binary.yaml: not UTF-8 text" in result.stderr
