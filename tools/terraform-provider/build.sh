#!/usr/bin/env bash
# Builds the real Terraform AWS provider from its Go module, once, into a cache outside the
# repository keyed by module version, and prints the binary's path on stdout.
#
# The Go module proxy does not serve github.com/hashicorp/terraform-provider-aws at v6, but it
# serves the Upbound fork (upstream plus additive packages); go.mod here replaces one with the
# other. A cold build takes ~30 min on 2 cores and ~11 GB of memory; the binary is ~1.2 GB.
# Any failure (proxy refusal, compiler error) exits non-zero with the reason: never a skip.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"

grep -q "=> ${PROVIDER_MODULE} ${PROVIDER_MODULE_VERSION}\$" "$here/go.mod" || {
  echo "tools/terraform-provider: go.mod does not replace the provider with ${PROVIDER_MODULE} ${PROVIDER_MODULE_VERSION} (versions.env); make them agree" >&2
  exit 2
}

cache_root="${IR_GUARDRAILS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/aws-ir-guardrails}"
dir="$cache_root/terraform-provider-aws/${PROVIDER_MODULE_VERSION}"
bin="$dir/terraform-provider-aws_v${PROVIDER_VERSION}"
need_go() { command -v go >/dev/null || { echo "tools/terraform-provider: 'go' is not on PATH; install Go >= 1.25 to build the provider" >&2; exit 2; }; }

# The mirror serves the binary as PROVIDER_VERSION: that label must be what the module says it is
# (its version/VERSION), or every report would name the wrong provider. Checked once per cached
# binary (a stamp beside it), from the Go module cache, downloading only that module if absent.
verify_version() {
  local modcache file actual
  modcache="${GOMODCACHE:-}"
  if [[ -z "$modcache" ]]; then need_go; modcache="$(go env GOMODCACHE)"; fi
  file="$modcache/${PROVIDER_MODULE}@${PROVIDER_MODULE_VERSION}/version/VERSION"
  if [[ ! -f "$file" ]]; then
    need_go
    (cd "$here" && GONOSUMDB="${PROVIDER_MODULE}" go mod download "${PROVIDER_MODULE}@${PROVIDER_MODULE_VERSION}") >&2 || {
      echo "tools/terraform-provider: cannot download ${PROVIDER_MODULE}@${PROVIDER_MODULE_VERSION} to read its version/VERSION" >&2; exit 1; }
  fi
  actual="$(tr -d '[:space:]' < "$file")"
  if [[ "$actual" != "$PROVIDER_VERSION" ]]; then
    echo "tools/terraform-provider: VERSION MISMATCH: versions.env says PROVIDER_VERSION=${PROVIDER_VERSION}, but ${PROVIDER_MODULE}@${PROVIDER_MODULE_VERSION} is provider ${actual} (its version/VERSION). Set PROVIDER_VERSION=${actual} in tools/terraform-provider/versions.env (and regenerate the schema fixture: npm run schema:terraform)." >&2
    exit 2
  fi
}
stamp="$bin.version-verified"

if [[ -x "$bin" ]]; then
  if [[ "$(cat "$stamp" 2>/dev/null)" != "${PROVIDER_MODULE_VERSION} ${PROVIDER_VERSION}" ]]; then
    verify_version
    echo "${PROVIDER_MODULE_VERSION} ${PROVIDER_VERSION}" > "$stamp"
  fi
  echo "$bin"
  exit 0
fi

verify_version
need_go
mkdir -p "$dir"
echo "building terraform-provider-aws ${PROVIDER_VERSION} (${PROVIDER_MODULE}@${PROVIDER_MODULE_VERSION}) into $dir; a cold build takes ~30 min" >&2
start=$(date +%s)
(
  cd "$here"
  # The checksum database has no entry for the fork; every other module is still verified.
  export GONOSUMDB="${PROVIDER_MODULE}" GOFLAGS="-mod=readonly -buildvcs=false"
  go build -trimpath -o "$bin.partial" github.com/hashicorp/terraform-provider-aws
) || { rm -f "$bin.partial"; echo "tools/terraform-provider: go build failed (see above); nothing was cached" >&2; exit 1; }
mv "$bin.partial" "$bin"
echo "${PROVIDER_MODULE_VERSION} ${PROVIDER_VERSION}" > "$stamp"
echo "built in $(( $(date +%s) - start )) s: $bin" >&2
echo "$bin"
