"""The checked-in protobuf/gRPC stubs match events.proto (regenerate with `make protos`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from reach.common.events import events_pb2 as pb

pytestmark = pytest.mark.unit

PROTO = Path("reach/common/events/events.proto")
STUBS = ("events_pb2.py", "events_pb2.pyi", "events_pb2_grpc.py")


def test_checked_in_stubs_are_what_protoc_generates(repo_root: Path, tmp_path: Path) -> None:
    workloads = repo_root / "workloads"
    subprocess.run(
        [sys.executable, "-m", "grpc_tools.protoc", f"-I{workloads}", f"--python_out={tmp_path}",
         f"--pyi_out={tmp_path}", f"--grpc_python_out={tmp_path}", str(workloads / PROTO)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    for stub in STUBS:
        fresh = (tmp_path / PROTO.parent / stub).read_text()
        checked_in = (workloads / PROTO.parent / stub).read_text()
        assert checked_in == fresh, f"{stub} is stale: run `make protos`"


def test_at_least_twenty_typed_payloads() -> None:
    payloads = pb.Event.DESCRIPTOR.oneofs_by_name["payload"].fields
    assert len(payloads) >= 20
    assert all(f.message_type is not None for f in payloads)
