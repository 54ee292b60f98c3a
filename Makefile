# Entry points for people and CI. `make test` is the one CI runs (.ci/run).
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin

.PHONY: test up services venv k8s-tools cluster crds lint lock

## Run the whole test suite on this machine, setting up everything it needs first.
test: venv services k8s-tools lint
	$(BIN)/pytest

## Set up this machine as `make test` does (bar the Kubernetes test binaries, which running
## does not need), then run the whole platform with a demo universe until Ctrl-C.
up: venv services
	$(BIN)/reach standalone --demo

## Create .venv with the project and its dev extras (re-run when the lock changes).
venv: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml requirements.lock scripts/venv.sh
	bash scripts/venv.sh

## Make sure PostgreSQL, Redis and RabbitMQ are running (installs them with apt if missing).
services:
	bash scripts/services.sh

## Build or reuse the cached Kubernetes binaries (kube-apiserver, etcd, kubectl, helm, ...).
k8s-tools:
	bash scripts/k8s-tools.sh >/dev/null

## Start a local control plane (etcd, kube-apiserver, kube-controller-manager) until Ctrl-C.
cluster: venv
	$(BIN)/python -m reach.testing.cluster --bin "$$(bash scripts/k8s-tools.sh)"

## Regenerate crds/ from the operator's API models (a test fails when they are stale).
crds: venv
	$(BIN)/python -m reach.operator.crds crds

## Static checks: lint, formatting, import layering, types.
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

## Re-resolve requirements.lock from pyproject.toml.
lock: venv
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra airflow --python-version 3.11 -q --generate-hashes -o requirements.lock

.PHONY: protos
## Regenerate the checked-in protobuf/gRPC stubs from events.proto (tests fail when they are stale).
protos: venv
	$(BIN)/python -m grpc_tools.protoc -Iworkloads --python_out=workloads --pyi_out=workloads \
		--grpc_python_out=workloads workloads/reach/common/events/events.proto
