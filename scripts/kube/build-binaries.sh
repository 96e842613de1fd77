#!/usr/bin/env bash
# Builds kube-apiserver and etcd from the Go module proxy when they cannot be downloaded
# (see ../../docs/testing.md). k8s.io/kubernetes cannot be `go install`ed: its go.mod
# replaces the staging modules with local paths, so we build it from a wrapper module that
# is itself the main module and pins every staging module to the matching v0.x release.
#
#   build-binaries.sh v1.34.4 /root/.cache/sidelane/kube/v1.34.4
set -euo pipefail

version="${1:?usage: build-binaries.sh vX.Y.Z DEST}"
dest="${2:?usage: build-binaries.sh vX.Y.Z DEST}"
minor="$(echo "$version" | cut -d. -f2)"
staging_version="v0.${version#v1.}"
proxy="${GOPROXY:-https://proxy.golang.org}"
proxy="${proxy%%,*}"

command -v go >/dev/null || { echo "go is not installed: install Go (https://go.dev/dl) or Debian's golang-go" >&2; exit 3; }

work="$(mktemp -d "${TMPDIR:-/tmp}/sidelane-kube-build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work"

curl -fsSL "$proxy/k8s.io/kubernetes/@v/$version.mod" -o kubernetes.mod
{
  echo "module sidelane.local/kube-binaries"
  echo
  echo "go 1.24.0"
  echo
  echo "require k8s.io/kubernetes $version"
  echo
  echo "replace ("
  grep -E '^\s*k8s.io/[^ ]+ => \./staging/' kubernetes.mod | awk -v v="$staging_version" '{print "\t" $1 " => " $1 " " v}'
  echo ")"
} > go.mod

mkdir -p cmd/etcd
cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "go.etcd.io/etcd/server/v3/etcdmain"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
)
GO
# etcd's own main package lives in the root module go.etcd.io/etcd/v3, which Kubernetes
# does not depend on; its main is one call, so we carry that call here.
cat > cmd/etcd/main.go <<'GO'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO

export GOFLAGS="-mod=mod" CGO_ENABLED=0
go mod tidy >/dev/null 2>&1 || go mod tidy
ldflags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
done
mkdir -p "$dest.partial"
go build -trimpath -tags selinux,notest -ldflags "-s -w $ldflags" -o "$dest.partial/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
go build -trimpath -ldflags "-s -w" -o "$dest.partial/etcd" ./cmd/etcd
rm -rf "$dest"
mv "$dest.partial" "$dest"
echo "built kube-apiserver and etcd $version into $dest"
