#!/usr/bin/env bash
# Builds the Reach cluster image from the Containerfile with whichever of Docker, Podman or
# Buildah is installed, and prints its reference. Called by `make image` and the image tests.
#
# The wheels are built here, on the host, from requirements-cluster.lock (hashes checked), so
# the container build itself needs no network. Slow inputs are cached outside the repo: the
# dependency wheels keyed by the lock's hash, and the debootstrap base keyed by its recipe.
#
#   BASE=IMAGE        base image (default: the official python:3.11-slim-bookworm)
#   BASE=debootstrap  a local Debian bookworm base made with debootstrap (no registry needed)
#   TAG=REF           image reference (default: localhost/reach/reach:<version>)
#   TARGET=STAGE      cluster (default), or dev: Reach's code writable for Tilt's live update
#   SOURCE=URL        the repository, for the image's source label (default: git's origin)
#   ENGINE=NAME       docker, podman or buildah (default: the first one found, in that order)
set -euo pipefail
cd "$(dirname "$0")/.."

cache=${REACH_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/reach/image}
version=$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
tag=${TAG:-localhost/reach/reach:$version}
base=${BASE:-docker.io/library/python:3.11-slim-bookworm}
python=${PYTHON:-.venv/bin/python}
mkdir -p "$cache"

engine=${ENGINE:-}
if [ -z "$engine" ]; then
  # A docker CLI without a reachable daemon does not count.
  if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
    engine=docker
  else
    for candidate in buildah podman; do
      if command -v "$candidate" >/dev/null; then engine=$candidate && break; fi
    done
  fi
fi
# Like scripts/services.sh: what is missing is installed from Debian where apt is at hand.
if [ -z "$engine" ] && command -v apt-get >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q buildah podman runc >&2
  engine=buildah
fi
[ -n "$engine" ] || { echo "image: install docker, podman or buildah" >&2; exit 1; }
if [ "$base" == debootstrap ] && ! command -v debootstrap >/dev/null && command -v apt-get >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >&2
fi
# Podman and Buildah need runc and lower default ulimits in sandboxes like CI's; a machine with
# its own containers.conf keeps it.
if [ -z "${CONTAINERS_CONF:-}" ] && [ ! -e /etc/containers/containers.conf ]; then
  export CONTAINERS_CONF=$PWD/scripts/containers.conf
  if [ "$engine" != docker ] && ! command -v runc >/dev/null && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q runc >&2
  fi
fi

log() { echo "image: $*" >&2; }

# A Debian base from Debian's own packages, for machines that reach no container registry.
# tini is included so the Containerfile needs no apt (and no network) on this base.
debootstrap_base() {
  local include=python3,python3-venv,ca-certificates,tini suite=bookworm key ref tar root
  # The key covers this function's text, so a changed recipe builds a new base.
  key=$(declare -f debootstrap_base | sha256sum | cut -c1-12)
  ref=localhost/reach/base:$suite-$key
  if [ "$engine" == docker ]; then
    docker image inspect "$ref" >/dev/null 2>&1 && { echo "$ref"; return; }
  elif podman image exists "$ref" 2>/dev/null || buildah inspect --type image "$ref" >/dev/null 2>&1; then
    echo "$ref"
    return
  fi
  tar=$cache/base-$suite-$key.tar
  if [ ! -f "$tar" ]; then
    command -v debootstrap >/dev/null || { log "BASE=debootstrap needs debootstrap"; exit 1; }
    root=$(mktemp -d)
    log "debootstrap $suite ($include) into $root"
    debootstrap --variant=minbase --include="$include" "$suite" "$root" http://deb.debian.org/debian >&2
    # Package lists, documentation and translations: nothing in the image reads them.
    rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
      "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/locale/* "$root"/usr/share/info/*
    tar -C "$root" -cf "$tar.part" . && mv "$tar.part" "$tar"
    rm -rf "$root"
  fi
  case $engine in
    docker) docker import "$tar" "$ref" >&2 ;;
    podman) podman import "$tar" "$ref" >&2 ;;
    buildah)
      local container
      container=$(buildah from scratch)
      buildah add "$container" "$tar" / >&2
      buildah commit --rm "$container" "$ref" >&2
      ;;
  esac
  echo "$ref"
}
if [ "$base" == debootstrap ]; then base=$(debootstrap_base); fi

# The build context: dependency wheels (cached per lock), Reach's own wheel and the dashboard
# (every build).
lock=requirements-cluster.lock
wheels=$cache/wheels-$(sha256sum "$lock" | cut -c1-16)
if [ ! -f "$wheels/.complete" ]; then
  log "building dependency wheels into $wheels"
  rm -rf "$wheels"
  "$python" -m pip wheel -q --disable-pip-version-check --require-hashes --no-deps \
    -r "$lock" -w "$wheels" >&2
  touch "$wheels/.complete"
fi
context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
mkdir "$context/deps" "$context/reach"
# The dashboard's static build (the gateway serves it at /): built on the host like the wheels.
make -s web >&2
cp -r web/dist "$context/web"
cp -l "$wheels"/*.whl "$context/deps/" 2>/dev/null || cp "$wheels"/*.whl "$context/deps/"
cp "$lock" "$context/requirements.txt"
"$python" -m uv build -q --wheel --out-dir "$context/reach" >&2

args=(-f "$PWD/Containerfile" --target "${TARGET:-cluster}" -t "$tag" --build-arg "BASE=$base" --build-arg "VERSION=$version"
  --build-arg "REVISION=$(git rev-parse HEAD 2>/dev/null || echo unknown)"
  --build-arg "SOURCE=${SOURCE:-$(git remote get-url origin 2>/dev/null || echo unknown)}")
log "building $tag on $base with $engine"
case $engine in
  docker) docker build --network none "${args[@]}" "$context" >&2 ;;
  podman) podman build --network none --layers "${args[@]}" "$context" >&2 ;;
  buildah) buildah bud --network none --layers "${args[@]}" "$context" >&2 ;;
esac
echo "$tag"
