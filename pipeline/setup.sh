#!/usr/bin/env bash
# Makes this machine ready for the pipeline or the tests: npm packages (Deno among them), then
# the Debian packages the stages call. Installs what is missing when it may (root, or sudo
# without a password); otherwise says exactly what to install and exits non-zero.
# Usage: bash pipeline/setup.sh [pipeline|test]
set -euo pipefail
cd "$(dirname "$0")/.."
purpose=${1:-test}

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "setup: Node.js 20 or newer is required (found: $(node --version 2>/dev/null || echo none))." >&2
  echo "       On Debian/Ubuntu: https://nodejs.org/en/download/package-manager" >&2
  exit 1
fi

# npm packages, pinned by package-lock.json; a no-op when node_modules is current.
if [ ! -x node_modules/.bin/deno ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # npm ci would refuse: npm leaves other platforms' optional Deno binaries out of the lock.
  npm install --no-audit --no-fund --loglevel=error
fi

# command → Debian package providing it. The pipeline needs the compilers (clang and lld build
# the fused GRU's WebAssembly kernels); the tests also run
# the notebooks (Jupyter) and the Cortex-M4 build under QEMU.
declare -A need=(
  [clang]=clang
  [wasm-ld]=lld
  [gcc]=gcc
  [arm-none-eabi-gcc]=gcc-arm-none-eabi
  [qemu-system-arm]=qemu-system-arm
)
if [ "$purpose" = test ]; then
  need[jupyter-nbconvert]=jupyter-nbconvert
  need[jupyter-kernel]=jupyter-client
  need[chromium]=chromium
fi
missing=()
for command in "${!need[@]}"; do
  command -v "$command" >/dev/null 2>&1 || missing+=("${need[$command]}")
done
# newlib is a library, not a command: look for its nano specs beside the arm compiler.
if command -v arm-none-eabi-gcc >/dev/null 2>&1 &&
  [ ! -f "$(arm-none-eabi-gcc -print-file-name=nano.specs)" ]; then
  missing+=(libnewlib-arm-none-eabi)
fi
if [ ${#missing[@]} -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  if [ "$(id -u)" = 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo"; else sudo=none; fi
  if [ "$sudo" = none ]; then
    echo "setup: missing Debian packages: ${missing[*]}" >&2
    echo "       install them with: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The fused kernels' WebAssembly modules (build/wasm/*.wasm; rebuilt only when the C is newer).
./node_modules/.bin/deno run -A lib/fused/wasm_build.ts
