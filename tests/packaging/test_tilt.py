"""The Tiltfile, evaluated in a Starlark interpreter with recording stand-ins for the Tilt
built-ins it calls (Tilt itself cannot be installed here): every argument is one Tilt accepts,
every path exists, every image, object and resource it names is in the dev overlay, and the
ports it forwards are the ones the operator gives the Platform's services. And kind/config.yaml
decoded strictly by kind's own Go types."""

from __future__ import annotations

import inspect
import json
import os
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import starlark as sl
import yaml

from reach.operator.api.eventsink import EventSinkSpec
from reach.operator.api.platform import PlatformSpec
from reach.operator.api.scrapeflow import ScrapeFlowSpec
from reach.operator.builders import eventsink as eventsink_builder
from reach.operator.builders import platform as platform_builder
from reach.operator.builders import scrapeflow as scrapeflow_builder
from reach.operator.builders.common import Owner, Runtime
from reach.operator.builders.platform import WORKLOADS
from reach.testing.helm import documents, kustomize_build

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
KIND_VERSION = "v0.33.0"


@dataclass(frozen=True)
class Builtin:
    """One Tilt built-in's parameters, with Tilt's names in Tilt's order (space-separated):
    those it requires, those it has a default for, and those it takes by keyword only. The ones
    in `lists` take a list or one string, and are recorded as a list ([] when left out)."""

    required: str = ""
    optional: str = ""
    keyword_only: str = ""
    lists: str = ""

    def signature(self) -> inspect.Signature:
        p = inspect.Parameter
        groups = (
            (self.required, p.POSITIONAL_OR_KEYWORD, p.empty),
            (self.optional, p.POSITIONAL_OR_KEYWORD, None),
            (self.keyword_only, p.KEYWORD_ONLY, None),
        )
        return inspect.Signature(
            [p(n, kind, default=default) for names, kind, default in groups for n in names.split()]
        )


# The Tilt built-ins the Tiltfile may call that only declare (what they were given is recorded).
DECLARING = {
    "allow_k8s_contexts": Builtin("contexts"),
    "k8s_kind": Builtin(
        "kind", "api_version", keyword_only="image_json_path image_object pod_readiness"
    ),
    "k8s_resource": Builtin(
        optional="workload new_name port_forwards extra_pod_selectors trigger_mode resource_deps"
        " objects auto_init pod_readiness links labels discovery_strategy",
        lists="port_forwards extra_pod_selectors resource_deps objects links labels",
    ),
    "local_resource": Builtin(
        "name",
        "cmd deps trigger_mode resource_deps ignore auto_init serve_cmd cmd_bat serve_cmd_bat"
        " allow_parallel links tags env serve_env readiness_probe dir serve_dir labels",
        lists="deps resource_deps ignore links tags labels",
    ),
    "custom_build": Builtin(
        "ref command deps",
        "tag disable_push skips_local_docker live_update match_in_env_vars ignore entrypoint"
        " command_bat_val outputs_image_ref_to command_bat image_deps env dir",
        lists="deps live_update ignore entrypoint image_deps",
    ),
    "fall_back_on": Builtin("files", lists="files"),
    "sync": Builtin("local_path remote_path"),
    "run": Builtin("cmd", "trigger echo_off", lists="trigger"),
    "link": Builtin("url", "name"),
    "port_forward": Builtin("local_port", "container_port name link_path host"),
}


class Tilt:
    """Stand-ins for the Tilt built-ins the Tiltfile uses, with Tilt's parameter names (so an
    argument Tilt does not know fails the call), recording what they were given."""

    def __init__(self, kustomize: Path) -> None:
        self.kustomize_bin = kustomize
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.objects: list[dict[str, Any]] = []

    def of(self, name: str) -> list[dict[str, Any]]:
        return [args for called, args in self.calls if called == name]

    def declaring(self, name: str, builtin: Builtin) -> Callable[..., dict[str, Any]]:
        """The stand-in of one declaring built-in: it returns what it records, so a step or a
        link given to another built-in is recorded inside that one's arguments."""
        signature = builtin.signature()
        lists = builtin.lists.split()

        def call(*args: Any, **kwargs: Any) -> dict[str, Any]:
            given = signature.bind(*args, **kwargs)
            given.apply_defaults()
            recorded = {
                param: ([value] if isinstance(value, str) else list(value or []))
                if param in lists
                else value
                for param, value in given.arguments.items()
            }
            self.calls.append((name, recorded))
            return {"builtin": name, **recorded}

        return call

    def builtins(self) -> dict[str, Callable[..., Any]]:
        def kustomize(pathToDir: str, kustomize_bin: str | None = None, flags: Any = None) -> str:
            self.calls.append(("kustomize", {"path": pathToDir}))
            return kustomize_build(self.kustomize_bin, REPO / pathToDir)

        def k8s_yaml(yaml: Any, allow_duplicates: bool = False) -> None:
            self.objects.extend(documents(yaml))

        return {
            "kustomize": kustomize,
            "k8s_yaml": k8s_yaml,
            **{name: self.declaring(name, builtin) for name, builtin in DECLARING.items()},
        }


@pytest.fixture(scope="module")
def tilt(k8s_bin: Path) -> Tilt:
    recorder = Tilt(k8s_bin / "kustomize")
    module = sl.Module()
    for name, function in recorder.builtins().items():
        module.add_callable(name, function)

    def load(name: str) -> sl.FrozenModule:
        raise AssertionError(f"unexpected load of {name}: extensions are not evaluated here")

    source = (REPO / "Tiltfile").read_text()
    sl.eval(
        module,
        sl.parse("Tiltfile", source, sl.Dialect.extended()),
        sl.Globals.standard(),
        sl.FileLoader(load),
    )
    return recorder


def _workloads(tilt: Tilt) -> set[str]:
    """Resource names Tilt derives: Deployments, plus objects of k8s_kind kinds with an image."""
    kinds = {"Deployment"} | {k["kind"] for k in tilt.of("k8s_kind")}
    return {o["metadata"]["name"] for o in tilt.objects if o["kind"] in kinds}


def _dev_stage() -> str:
    text = (REPO / "Containerfile").read_text()
    return text[text.index("AS dev") :]


def test_build_is_the_image_script_and_its_paths_exist(tilt: Tilt) -> None:
    (build,) = tilt.of("custom_build")
    assert build["ref"] == "reach/reach"
    assert "TARGET=dev" in build["command"] and "scripts/image.sh" in build["command"]
    assert (REPO / "scripts" / "image.sh").exists()
    for dep in build["deps"]:
        assert (REPO / dep).exists(), dep
    # The pods' own commands stand: the restart is the dev image's `reach`, not an entrypoint.
    assert build["entrypoint"] == []


def test_live_update_syncs_python_where_the_dev_image_runs_it_then_restarts(tilt: Tilt) -> None:
    (build,) = tilt.of("custom_build")
    steps = build["live_update"]
    kinds = [step["builtin"] for step in steps]
    assert kinds == ["fall_back_on", "sync", "sync", "run"], kinds
    # What is not Python (locks, metadata, the Containerfile) rebuilds the image.
    assert set(steps[0]["files"]) < set(build["deps"])
    assert not any(f.endswith(".py") or f in ("operator", "workloads") for f in steps[0]["files"])
    dev = _dev_stage()
    live = re.search(r"live=(/[\w/-]+)", dev).group(1)  # type: ignore[union-attr]
    for step in steps[1:3]:
        assert (REPO / step["local_path"]).is_dir(), step
        package = step["local_path"].removeprefix("workloads/").removeprefix("operator/")
        assert step["remote_path"] == f"{live}/{package}", step
        assert step["remote_path"].startswith("/tmp/"), "only /tmp is writable in the pods"
    # The run step writes the file the dev image's `reach` watches to restart its process.
    watched = re.search(r"cat (/tmp/[\w./-]+) 2>/dev/null", dev).group(1)  # type: ignore[union-attr]
    assert steps[3]["cmd"] == f"date > {watched}"


def test_every_long_running_pod_of_the_image_is_live_updated(tilt: Tilt) -> None:
    """The operator's children: what its builders make for the dev overlay's Platform, ScrapeFlows
    and EventSinks. Each Deployment's pods must be in the resource that deploys the image: the
    Platform's (its spec.image), by owner reference or by one of its extra pod selectors."""
    by_kind = {o["kind"]: o for o in tilt.objects}
    platform_doc = by_kind["Platform"]
    platform = PlatformSpec.model_validate(platform_doc["spec"])
    owner = Owner("Platform", platform_doc["metadata"]["name"], "reach-system", "uid")
    made = platform_builder.build(owner, platform, {})
    runtime = Runtime(platform.image, platform.image_pull_policy, platform.stores)
    for doc in tilt.objects:
        child = Owner(doc["kind"], doc["metadata"]["name"], "reach-system", "uid")
        if doc["kind"] == "ScrapeFlow":
            flow = ScrapeFlowSpec.model_validate(doc["spec"])
            settings = platform_builder.scraper_env(platform)
            made += scrapeflow_builder.build(child, flow, runtime, settings, {})
        elif doc["kind"] == "EventSink":
            sink = EventSinkSpec.model_validate(doc["spec"])
            made += eventsink_builder.build(child, sink, runtime)
    deployments = [m for m in made if m["kind"] == "Deployment"]
    assert {m["metadata"]["ownerReferences"][0]["kind"] for m in deployments} == {
        "Platform",
        "ScrapeFlow",
        "EventSink",
    }
    (resource,) = [r for r in tilt.of("k8s_resource") if r["workload"] == owner.name]
    selectors = resource["extra_pod_selectors"]
    assert selectors
    for deployment in deployments:
        template = deployment["spec"]["template"]
        assert template["spec"]["containers"][0]["image"] == platform.image
        if deployment["metadata"]["ownerReferences"][0]["kind"] == "Platform":
            continue  # Tilt follows the owner references from the Platform
        pod_labels = template["metadata"]["labels"].items()
        assert any(sel.items() <= pod_labels for sel in selectors), deployment["metadata"]["name"]


def test_the_built_image_is_what_the_overlay_runs(tilt: Tilt) -> None:
    images = {
        c["image"].split(":")[0]
        for o in tilt.objects
        if o["kind"] == "Deployment"
        for c in o["spec"]["template"]["spec"]["containers"]
        if "reach" in c["image"]
    }
    assert images == {"reach/reach"}
    (kind,) = tilt.of("k8s_kind")
    platform = next(o for o in tilt.objects if o["kind"] == kind["kind"])
    assert kind["image_json_path"] == "{.spec.image}"
    assert platform["spec"]["image"].split(":")[0] == "reach/reach"


def test_every_named_object_and_resource_exists(tilt: Tilt) -> None:
    workloads = _workloads(tilt)
    present = {f"{o['metadata']['name']}:{o['kind']}".lower() for o in tilt.objects}
    resources = set(workloads)
    for resource in tilt.of("k8s_resource"):
        if resource["workload"]:
            assert resource["workload"] in workloads, resource["workload"]
            resources.discard(resource["workload"])
        for obj in resource["objects"]:
            assert obj.lower() in present, obj
        resources.add(resource["new_name"] or resource["workload"])
    resources |= {r["name"] for r in tilt.of("local_resource")}
    for resource in [*tilt.of("k8s_resource"), *tilt.of("local_resource")]:
        for dep in resource["resource_deps"]:
            assert dep in resources, dep
    for local in tilt.of("local_resource"):
        for dep in local["deps"]:
            assert (REPO / dep).exists(), dep


def test_port_forwards_match_the_platform_services(tilt: Tilt) -> None:
    platform = next(o for o in tilt.objects if o["kind"] == "Platform")["metadata"]["name"]
    forwards = [r["serve_cmd"] for r in tilt.of("local_resource") if r["serve_cmd"]]
    assert forwards
    for command in forwards:
        service, local, remote = re.fullmatch(
            r"kubectl -n reach-system port-forward svc/(\S+) (\d+):(\d+)", command
        ).groups()  # type: ignore[union-attr]
        component = service.removeprefix(f"{platform}-")
        workload = next(w for w in WORKLOADS if w.component == component)
        assert workload.exposed, command
        assert int(remote) in workload.ports.values(), command
        assert local == remote


def test_unit_tests_run_as_a_local_resource(tilt: Tilt) -> None:
    tests = [r for r in tilt.of("local_resource") if r["cmd"]]
    assert [r["cmd"] for r in tests] == [".venv/bin/pytest -m unit -q"]


@pytest.fixture(scope="session")
def kind_decoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small Go program that decodes a kind config with kind's own types, strictly (unknown
    fields fail), built from the Go module proxy and cached between runs."""
    cache = Path(
        os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"), "reach", f"kind-{KIND_VERSION}"
    )
    binary = cache / "kind-config-check"
    if binary.exists():
        return binary
    source = tmp_path_factory.mktemp("kindcheck")
    (source / "go.mod").write_text(
        f"module reach.local/kindcheck\n\ngo 1.24\n\nrequire sigs.k8s.io/kind {KIND_VERSION}\n"
    )
    (source / "main.go").write_text(
        """package main

// Decodes a kind cluster config as kind's own loader does: kind's v1alpha4 types, strictly
// (an unknown field is an error), after checking kind and apiVersion.
import (
	"fmt"
	"os"

	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
	"sigs.k8s.io/yaml"
)

func main() {
	raw, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var cfg v1alpha4.Cluster
	if err := yaml.UnmarshalStrict(raw, &cfg); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if cfg.Kind != "Cluster" || cfg.APIVersion != "kind.x-k8s.io/v1alpha4" {
		fmt.Fprintf(os.Stderr, "not a kind v1alpha4 Cluster: %s %s\\n", cfg.APIVersion, cfg.Kind)
		os.Exit(1)
	}
	v1alpha4.SetDefaultsCluster(&cfg)
	fmt.Printf("{\\"name\\": %q, \\"nodes\\": %d}\\n", cfg.Name, len(cfg.Nodes))
}
"""
    )
    env = {**os.environ, "GOFLAGS": "-mod=mod", "CGO_ENABLED": "0"}
    subprocess.run(["go", "mod", "tidy"], cwd=source, env=env, check=True, capture_output=True)
    cache.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["go", "build", "-o", str(binary), "."],
        cwd=source,
        env=env,
        check=True,
        capture_output=True,
    )
    return binary


def test_kind_config_decodes_strictly(kind_decoder: Path, tmp_path: Path) -> None:
    out = subprocess.run(
        [str(kind_decoder), str(REPO / "kind" / "config.yaml")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout) == {"name": "reach", "nodes": 1}
    config = yaml.safe_load((REPO / "kind" / "config.yaml").read_text())
    config["nodes"][0]["extraPortMapping"] = config["nodes"][0].pop("extraPortMappings")
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(config))
    refused = subprocess.run([str(kind_decoder), str(bad)], capture_output=True, text=True)
    assert refused.returncode != 0 and "extraPortMapping" in refused.stderr


def test_tilt_deploys_only_to_the_kind_cluster_of_kind_config(tilt: Tilt) -> None:
    name = yaml.safe_load((REPO / "kind" / "config.yaml").read_text())["name"]
    assert [c["contexts"] for c in tilt.of("allow_k8s_contexts")] == [f"kind-{name}"]
