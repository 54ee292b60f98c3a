#!/usr/bin/env bash
# Builds the Kubernetes binaries the cluster test tier needs (kube-apiserver,
# kube-controller-manager, kubectl, etcd, helm, kustomize, kubeconform) from Go modules into a
# cache outside the repo, and reuses them when present. Called by `make k8s-tools` and the test bootstrap.
#
# k8s.io/kubernetes and etcd's server module replace their sibling modules with local paths, so
# `go install pkg@version` refuses them; each is built inside a throwaway module that requires
# it and replaces every sibling with its published version.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=k8s-versions.env
source "$here/k8s-versions.env"

cache=${REACH_K8S_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/reach/k8s/$KUBERNETES_VERSION-etcd$ETCD_VERSION-helm$HELM_VERSION-kustomize$KUSTOMIZE_VERSION}
bin=$cache/bin
tools=(kube-apiserver kube-controller-manager kubectl etcd helm kustomize kubeconform)

k8s_minor=$(echo "$KUBERNETES_VERSION" | cut -d. -f2)
# helm's idea of the cluster's version (for `kubeVersion` constraints and lint's deprecation
# checks) is compiled in and defaults to v1.20; its own release Makefile sets these four.
helm_ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
for pkg in chartutil lint/rules; do
  helm_ldflags+=" -X helm.sh/helm/v3/pkg/$pkg.k8sVersionMajor=1"
  helm_ldflags+=" -X helm.sh/helm/v3/pkg/$pkg.k8sVersionMinor=$k8s_minor"
done

# A tool whose build recipe changed since it was cached has a stale stamp and is rebuilt alone.
declare -A recipe=([helm]=$helm_ldflags [kubeconform]=$KUBECONFORM_VERSION)
stamp() { echo "$bin/.$1.recipe"; }
fresh() { [ -x "$bin/$1" ] && { [ -z "${recipe[$1]:-}" ] || [ "$(cat "$(stamp "$1")" 2>/dev/null)" == "${recipe[$1]}" ]; }; }

missing=()
for t in "${tools[@]}"; do fresh "$t" || missing+=("$t"); done
if [ ${#missing[@]} -eq 0 ]; then
  echo "$bin"
  exit 0
fi
command -v go >/dev/null || { echo "k8s-tools: Go >= 1.26 is needed to build ${missing[*]}" >&2; exit 1; }

mkdir -p "$bin"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GOFLAGS=-mod=mod CGO_ENABLED=0
start=$(date +%s)

# Writes a throwaway module in $1 requiring $2@$3 with the `=> ./...` replaces of its go.mod
# rewritten to published versions by the sed expression $4.
throwaway_module() {
  local dir=$1 mod=$2 version=$3 rewrite=$4 gomod
  mkdir -p "$dir"
  gomod=$(cd "$dir" && go mod download -json "$mod@$version" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  {
    echo "module reach.local/build"
    echo "go $(sed -n 's/^go //p' "$gomod")"
    echo "require $mod $version"
    echo "replace ("
    grep -E '^\s+\S+ => \./|^\s+\S+ => \.\./' "$gomod" | sed -E "$rewrite"
    echo ")"
  } >"$dir/go.mod"
}

needs() { local t; for t in "$@"; do [[ " ${missing[*]} " == *" $t "* ]] && return 0; done; return 1; }

if needs kube-apiserver kube-controller-manager kubectl; then
  throwaway_module "$work/k8s" k8s.io/kubernetes "$KUBERNETES_VERSION" \
    "s#^\s*(\S+) => \./staging/src/\S+#\t\1 => \1 $KUBERNETES_STAGING_VERSION#"
  (cd "$work/k8s" &&
    go get k8s.io/kubernetes/cmd/kube-apiserver@"$KUBERNETES_VERSION" \
      k8s.io/kubernetes/cmd/kube-controller-manager@"$KUBERNETES_VERSION" \
      k8s.io/kubernetes/cmd/kubectl@"$KUBERNETES_VERSION" &&
    go build -trimpath -ldflags "-s -w \
      -X k8s.io/component-base/version.gitVersion=$KUBERNETES_VERSION \
      -X k8s.io/client-go/pkg/version.gitVersion=$KUBERNETES_VERSION \
      -X k8s.io/component-base/version.gitMajor=1 \
      -X k8s.io/component-base/version.gitMinor=$k8s_minor" \
      -o "$bin/" k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
      k8s.io/kubernetes/cmd/kubectl)
fi

if needs etcd; then
  throwaway_module "$work/etcd" go.etcd.io/etcd/server/v3 "$ETCD_VERSION" \
    "s#^\s*(\S+) => \.\./\S+#\t\1 => \1 $ETCD_VERSION#; /FORBIDDEN/d"
  (cd "$work/etcd" && go get go.etcd.io/etcd/server/v3@"$ETCD_VERSION" &&
    go build -trimpath -ldflags "-s -w" -o "$bin/etcd" go.etcd.io/etcd/server/v3)
fi

if needs helm; then
  GOBIN=$bin go install -trimpath -ldflags "$helm_ldflags" helm.sh/helm/v3/cmd/helm@"$HELM_VERSION"
  echo "$helm_ldflags" >"$(stamp helm)"
fi
if needs kubeconform; then
  GOBIN=$bin go install -trimpath -ldflags "-s -w" github.com/yannh/kubeconform/cmd/kubeconform@"$KUBECONFORM_VERSION"
  echo "$KUBECONFORM_VERSION" >"$(stamp kubeconform)"
fi
if needs kustomize; then
  GOBIN=$bin go install -trimpath -ldflags "-s -w" sigs.k8s.io/kustomize/kustomize/v5@"$KUSTOMIZE_VERSION"
fi

echo "k8s-tools: built ${missing[*]} in $(($(date +%s) - start)) s into $bin ($(du -sh "$bin" | cut -f1))" >&2
echo "$bin"
