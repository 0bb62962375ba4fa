#!/usr/bin/env bash
# Cross-compiles secassess for 64-bit Windows (x86_64-pc-windows-gnu) on Debian and puts
# the result at dist/secassess.exe.
#
# Works from a fresh Debian 12 machine with rustup: installs the Rust target and the
# MinGW-w64 linker when they are missing (apt-get needs root, or sudo). Does not run the
# .exe: scripts/windows-smoke.sh does, under Wine.
#
# Usage: scripts/build-windows.sh
set -euo pipefail

TARGET=x86_64-pc-windows-gnu
LINKER=x86_64-w64-mingw32-gcc

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

say() { printf '==> %s\n' "$*"; }

# apt-get as root, or through sudo when there is one.
apt_install() {
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo=(sudo)
        else
            echo "error: need root (or sudo) to install: $*" >&2
            exit 1
        fi
    fi
    export DEBIAN_FRONTEND=noninteractive
    # Update the package lists once per run, and only when something must be installed.
    if [ -z "${SECASSESS_APT_UPDATED:-}" ]; then
        "${sudo[@]}" apt-get update -qq
        export SECASSESS_APT_UPDATED=1
    fi
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$@"
}

if ! rustup target list --installed | grep -qx "$TARGET"; then
    say "installing the Rust target $TARGET"
    rustup target add "$TARGET"
fi

if ! command -v "$LINKER" >/dev/null 2>&1; then
    say "installing the MinGW-w64 linker ($LINKER)"
    apt_install gcc-mingw-w64-x86-64
fi

if ! command -v file >/dev/null 2>&1; then
    say "installing file"
    apt_install file
fi

say "cargo build --release --target $TARGET"
cargo build --release --target "$TARGET"

target_dir="${CARGO_TARGET_DIR:-$root/target}"
exe="$target_dir/$TARGET/release/secassess.exe"
if [ ! -f "$exe" ]; then
    echo "error: the build finished but $exe is not there" >&2
    exit 1
fi

mkdir -p dist
cp "$exe" dist/secassess.exe

description="$(file -b dist/secassess.exe)"
say "dist/secassess.exe: $description ($(stat -c %s dist/secassess.exe) bytes)"
case "$description" in
    PE32+\ executable*x86-64*) ;;
    *)
        echo "error: dist/secassess.exe is not a 64-bit Windows (PE32+ x86-64) executable" >&2
        exit 1
        ;;
esac
