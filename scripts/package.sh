#!/usr/bin/env bash
# Builds, from this checkout and for this machine's platform, what a release publishes:
#   dist/iac_fix-<version>-py3-none-<platform>.whl   (pip install: the binary on PATH, via maturin)
#   dist/iac-fix-<version>.tgz                       (npm: the launcher package)
#   dist/iac-fix-cli-<os>-<cpu>-<version>.tgz        (npm: the platform package with the binary)
#   dist/SHA256SUMS
# The release workflow (.github/workflows/release.yml) does the same per target. Build tools
# (maturin) are installed into target/package-tools/, so reruns are cheap.
# Usage: scripts/package.sh [--target RUST_TARGET]   (default: the host)
set -euo pipefail
cd "$(dirname "$0")/.."
target=""
if [ "${1:-}" = "--target" ]; then target=$2; fi

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
[ -n "$version" ] || { echo "package.sh: no version in Cargo.toml" >&2; exit 2; }

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) key=linux-x64 ;;
  Linux-aarch64) key=linux-arm64 ;;
  Darwin-x86_64) key=darwin-x64 ;;
  Darwin-arm64) key=darwin-arm64 ;;
  MINGW*-x86_64 | MSYS*-x86_64 | CYGWIN*-x86_64) key=win32-x64 ;;
  *) echo "package.sh: no npm platform package for $(uname -s)-$(uname -m)" >&2; exit 2 ;;
esac

tools=target/package-tools
if [ ! -x "$tools/venv/bin/maturin" ]; then
  python3 -m venv "$tools/venv"
  "$tools/venv/bin/pip" install --quiet --disable-pip-version-check 'maturin>=1.7,<2'
fi

rm -rf dist && mkdir -p dist
echo "== wheel (maturin, bindings = bin)"
"$tools/venv/bin/maturin" build --release --locked --out dist ${target:+--target "$target"} 2>&1 | grep -v '^ *Compiling' || true
ls dist/*.whl >/dev/null

echo "== npm packages ($key)"
binary=$(python3 -c 'import json,sys; print(json.load(open("npm/platforms.json"))[sys.argv[1]]["binary"])' "$key")
stage=target/package-tools/npm
rm -rf "$stage" && mkdir -p "$stage/iac-fix" "$stage/cli-$key"
cp -r npm/iac-fix/. "$stage/iac-fix/"
cp README.md "$stage/iac-fix/README.md"
# The wheel's binary: the same build, already stripped.
python3 - dist/*.whl "$binary" "$stage/cli-$key/$binary" <<'PY'
import os, sys, zipfile
wheel, name, dest = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    member = next(m for m in z.namelist() if m.endswith(".data/scripts/" + name))
    open(dest, "wb").write(z.read(member))
os.chmod(dest, 0o755)
PY
python3 - "$stage/cli-$key/package.json" "$key" "$version" <<'PY'
import json, sys
path, key, version = sys.argv[1:]
main = json.load(open("npm/iac-fix/package.json"))
platform = json.load(open("npm/platforms.json"))[key]
pkg = {
    "name": f"@iac-fix/cli-{key}",
    "version": version,
    "description": f"The iac-fix binary for {platform['os']} {platform['cpu']} (installed by the `iac-fix` package)",
    "license": main["license"],
    "homepage": main["homepage"],
    "repository": main["repository"] | {"directory": "npm"},
    "os": [platform["os"]],
    "cpu": [platform["cpu"]],
    "files": [platform["binary"]],
    "preferUnplugged": True,
}
json.dump(pkg, open(path, "w"), indent=2)
open(path, "a").write("\n")
PY
for p in "iac-fix" "cli-$key"; do
  got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$stage/$p/package.json")
  [ "$got" = "$version" ] || { echo "package.sh: $p/package.json says $got, Cargo.toml $version" >&2; exit 2; }
  (cd "$stage/$p" && npm pack --silent --pack-destination "$OLDPWD/dist" >/dev/null)
done

(cd dist && sha256sum -- * > SHA256SUMS)
echo "== dist/"
ls -l dist
