# Entry points for people and CI. `make test` is the one CI runs (.ci/run).
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin

.PHONY: test up services venv k8s-tools client-tools cluster crds chart-files image chart-test lint lock web browser

## Run the whole test suite on this machine, setting up everything it needs first.
test: venv services k8s-tools client-tools lint web browser
	$(BIN)/pytest

## Set up this machine as `make test` does (bar the Kubernetes test binaries, which running
## does not need), then run the whole platform with a demo universe until Ctrl-C.
up: venv services web
	$(BIN)/reach standalone --demo

## Create .venv with the project and its dev extras (re-run when the lock changes).
venv: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml requirements.lock scripts/venv.sh scripts/uv.lock.txt
	bash scripts/venv.sh

## Build the dashboard (web/) into web/dist, which the gateway serves at /; rebuilt only when
## its sources or lock changed. Type-checks it first.
web: web/dist/index.html
web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@
web/dist/index.html: web/node_modules/.installed web/build.mjs web/tsconfig.json $(shell find web/src -type f)
	cd web && npx --no-install tsc --noEmit -p . && node build.mjs

## Make sure Debian's Chromium is installed for the dashboard's browser tests (apt if missing).
browser:
	bash scripts/chromium.sh >/dev/null

## Make sure PostgreSQL, Redis and RabbitMQ are running (installs them with apt if missing).
services:
	bash scripts/services.sh

## Build or reuse the cached Kubernetes binaries (kube-apiserver, etcd, kubectl, helm, ...).
k8s-tools:
	bash scripts/k8s-tools.sh >/dev/null

## Make sure Node.js/npm and a JDK 17/Maven are present for the event clients (apt when missing).
client-tools:
	bash scripts/client-tools.sh

## Start a local control plane (etcd, kube-apiserver, kube-controller-manager) until Ctrl-C.
cluster: venv
	$(BIN)/python -m reach.testing.cluster --bin "$$(bash scripts/k8s-tools.sh)"

## Regenerate crds/ from the operator's API models (a test fails when they are stale).
crds: venv
	$(BIN)/python -m reach.operator.crds crds
	$(MAKE) chart-files

## Copy into charts/reach what the chart takes from elsewhere: the CRDs, their samples and the
## operator's RBAC rules (a chart test fails when the copies differ).
chart-files:
	rm -f charts/reach/crds/*.yaml charts/reach/samples/*.yaml
	mkdir -p charts/reach/crds charts/reach/samples charts/reach/files
	for f in crds/*.yaml; do [ "$${f##*/}" = kustomization.yaml ] || cp "$$f" charts/reach/crds/; done
	for f in crds/samples/*.yaml; do [ "$${f##*/}" = kustomization.yaml ] || cp "$$f" charts/reach/samples/; done
	{ echo "# Copied by make chart-files from kustomize/base/rbac/role.yaml: do not edit."; \
	  sed -n '/^rules:/,$$p' kustomize/base/rbac/role.yaml | tail -n +2 | sed 's/^  //'; \
	} >charts/reach/files/operator-rules.yaml

## Build the cluster image with docker, buildah or podman (BASE=debootstrap: no registry needed).
image: venv
	bash scripts/image.sh

## The chart, overlay and Tiltfile tests (the image tier needs `make image`'s tools: -m image).
chart-test: venv k8s-tools
	$(BIN)/pytest tests/packaging -m "not image"

## Static checks: lint, formatting, import layering, types.
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

## Re-resolve requirements.lock from pyproject.toml, and from it the cluster image's subset
## (no extras: no chdb, no Airflow, no test tools) at the same versions.
lock: venv
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra airflow --extra embedded --python-version 3.11 -q --generate-hashes -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 -q --generate-hashes -c requirements.lock -o requirements-cluster.lock

.PHONY: protos
## Regenerate the checked-in protobuf/gRPC stubs from events.proto (tests fail when they are stale).
protos: venv
	$(BIN)/python -m grpc_tools.protoc -Iworkloads --python_out=workloads --pyi_out=workloads \
		--grpc_python_out=workloads workloads/reach/common/events/events.proto

.PHONY: schema-release
## At a release of events.proto: snapshot its descriptor set, which later changes are checked
## against (clients/schema/buf.yaml holds the rule; a test and the TypeScript build check it).
schema-release:
	cd clients/typescript && npm ci --no-audit --no-fund --prefer-offline && \
		npx buf build ../../workloads -o ../schema/released.binpb
