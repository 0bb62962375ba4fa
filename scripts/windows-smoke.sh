#!/usr/bin/env bash
# Runs the Windows exe under Wine through a user's whole journey and compares what it
# does with the Linux build, so CI proves the exe users copy onto their laptops works,
# not only that it builds. Stops at the first difference with "FAILED: ...".
#
#   1. --version, validate, obligations --set ...      (output identical to Linux's)
#   2. new, in a folder whose path has spaces, given as a Windows path
#   3. answer, three times: each leaves FILE.bak equal to the file before it, and no
#      temporary or lock file
#   4. verify                                          (output identical to Linux's)
#   5. export --pdf --markdown --json --csv            (every file byte-identical to
#      Linux's for the same SOURCE_DATE_EPOCH; the PDF passes qpdf --check)
#   6. questions | head -1, and a pipe closed before the first write: exit 0, nothing
#      on stderr (Windows reports a closed pipe as errors 232/233, not only BrokenPipe)
#   7. the TUI in a pseudo-terminal (scripts/drive-tui.py): one fixed sequence of keys
#      under Wine and on Linux must save the same answers. Windows delivers a key press
#      and a key release for every key and Linux only the press, so this catches a key
#      counted twice. Wine 8's console garbles the drawing, so the screen itself is not
#      checked: the saved file is.
#   8. SSH signatures: the exe signs a risk acceptance with an encrypted key made by
#      ssh-keygen (passphrase on standard input), verify --allowed-signers says the same
#      on both builds, and ssh-keygen -Y verify accepts what the exe exported; without
#      --key the exe finds the key in %USERPROFILE%\.ssh
#
# Usage: scripts/windows-smoke.sh
#   Builds dist/secassess.exe (scripts/build-windows.sh) and the Linux debug build
#   (cargo build) unless given SECASSESS_EXE=PATH and SECASSESS_LINUX_BIN=PATH (.ci/run
#   gives the ones it has just built and tested). Installs Wine (Debian's wine64), qpdf
#   and python3 when missing (apt-get needs root, or sudo). Everything happens in a
#   throwaway folder and Wine prefix, removed at the end (kept on failure, and always
#   with SECASSESS_SMOKE_KEEP=1). About 45 s with Wine installed, 70 s with its install,
#   measured on 2 cores busy with other builds.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

started=$SECONDS
say() { printf '==> [%3ss] %s\n' "$((SECONDS - started))" "$*"; }
fail() {
    printf 'windows-smoke: FAILED: %s\n' "$*" >&2
    exit 1
}

# apt-get as root, or through sudo when there is one.
apt_install() {
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || fail "need root (or sudo) to install: $*"
        sudo=(sudo)
    fi
    export DEBIAN_FRONTEND=noninteractive
    if [ -z "${SECASSESS_APT_UPDATED:-}" ]; then
        "${sudo[@]}" apt-get -o Acquire::Retries=3 update -qq
        export SECASSESS_APT_UPDATED=1
    fi
    "${sudo[@]}" apt-get -o Acquire::Retries=3 install -y -qq --no-install-recommends "$@"
}

# Debian packages Wine's 64-bit loader as /usr/lib/wine/wine64, off PATH; Wine 9 and
# later, and other distributions, call it wine.
find_wine() {
    local candidate
    for candidate in /usr/lib/wine/wine64 "$(command -v wine64 || true)" "$(command -v wine || true)"; do
        if [ -n "$candidate" ] && [ -x "$candidate" ]; then
            wine=$candidate
            wineserver="$(dirname "$candidate")/wineserver"
            [ -x "$wineserver" ] || wineserver="$(command -v wineserver || true)"
            [ -n "$wineserver" ] || fail "found $wine but no wineserver beside it or on PATH"
            return 0
        fi
    done
    return 1
}

packages=()
find_wine || packages+=(wine64)
command -v qpdf >/dev/null 2>&1 || packages+=(qpdf)
command -v python3 >/dev/null 2>&1 || packages+=(python3)
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || packages+=(gcc-mingw-w64-x86-64)
command -v ssh-keygen >/dev/null 2>&1 || packages+=(openssh-client)
if [ "${#packages[@]}" -gt 0 ]; then
    say "installing ${packages[*]}"
    apt_install "${packages[@]}"
fi
find_wine || fail "Wine is not installed: no /usr/lib/wine/wine64, wine64 or wine"
say "$("$wine" --version) ($wine)"

if [ -n "${SECASSESS_EXE:-}" ]; then
    exe=$(realpath "$SECASSESS_EXE")
else
    bash scripts/build-windows.sh
    exe="$root/dist/secassess.exe"
fi
if [ -n "${SECASSESS_LINUX_BIN:-}" ]; then
    linux=$(realpath "$SECASSESS_LINUX_BIN")
else
    say "cargo build (the Linux build the exe is compared with)"
    cargo build --quiet --bin secassess
    linux="${CARGO_TARGET_DIR:-$root/target}/debug/secassess"
fi
[ -f "$exe" ] || fail "no Windows exe at $exe"
[ -x "$linux" ] || fail "no Linux build at $linux"

work=$(mktemp -d "${TMPDIR:-/tmp}/secassess-windows-smoke.XXXXXX")
export WINEPREFIX="$work/wine-prefix"
# Quiet but for a DLL that will not load (which names it), and no Mono/Gecko installers
# or desktop menu entries: none is needed.
export WINEDEBUG=-all,err+module
export WINEDLLOVERRIDES="mscoree,mshtml,winemenubuilder.exe="
# Wine turns command lines into UTF-16 using the locale; answers below are not ASCII.
export LC_ALL=C.UTF-8
# Who acts, for both builds.
export SECASSESS_NAME="Zoë Lead" SECASSESS_EMAIL="zoe.lead@example.nhs.uk" SECASSESS_ROLE="project lead"
export NO_COLOR=1 TERM=xterm-256color
unset SECASSESS_DATA_DIR SECASSESS_QUESTIONNAIRES SECASSESS_PLAIN

finish() {
    local status=$?
    # Whatever happened, no Wine process outlives the smoke test.
    if [ -n "${wineserver:-}" ] && [ -d "$WINEPREFIX" ]; then
        "$wineserver" -k 2>/dev/null || true
    fi
    if [ "$status" -eq 0 ] && [ -z "${SECASSESS_SMOKE_KEEP:-}" ]; then
        rm -rf "$work"
    else
        echo "windows-smoke: everything it made is in $work" >&2
    fi
}
trap finish EXIT

# The Windows spelling of a local path, as Wine maps it (drive Z: is /).
winpath() {
    local path
    path=$(realpath -m "$1")
    printf 'Z:%s' "${path//\//\\}"
}

logs="$work/logs"
mkdir -p "$logs"
count=0

# Each build has its own settings folder, so neither sees what the other saved.
mkdir -p "$work/win-config" "$work/lin-config"
win_exe() { SECASSESS_CONFIG_DIR=$(winpath "$work/win-config") "$wine" "$exe" "$@" </dev/null; }
lin_exe() { SECASSESS_CONFIG_DIR="$work/lin-config" "$linux" "$@" </dev/null; }

# run BUILD NAME ARGS...: runs the Windows (win) or Linux (lin) build in the current
# folder, keeping its stdout in $logs/N-NAME.BUILD.out; any exit but 0 fails the test.
run() {
    local build=$1 name=$2
    shift 2
    local command=("${build}_exe")
    count=$((count + 1))
    local out="$logs/$count-$name.$build.out" err="$logs/$count-$name.$build.err"
    local status=0
    "${command[@]}" "$@" >"$out" 2>"$err" || status=$?
    if [ "$status" -ne 0 ]; then
        sed 's/^/    stdout: /' "$out" >&2
        sed 's/^/    stderr: /' "$err" >&2
        fail "$build: secassess $* exited $status"
    fi
    last_out=$out
}

# same_files WHAT A B: byte-identical, or a diff and failure.
same_files() {
    if ! cmp -s "$2" "$3"; then
        diff -u "$2" "$3" | head -40 >&2 || true
        fail "$1 differs: $2 and $3"
    fi
}

# both NAME ARGS...: the same command through both builds; their output must match.
both() {
    local name=$1
    shift
    run win "$name" "$@"
    local windows=$last_out
    run lin "$name" "$@"
    same_files "output of secassess $*" "$windows" "$last_out"
    say "ok: $* (same output as Linux)"
}

# Wine 8 lacks bcryptprimitives.dll, which every Rust exe needs: see
# scripts/wine-shim/bcryptprimitives.c. It goes into the throwaway prefix, never into dist/.
wine_major=$("$wine" --version | sed -n 's/^wine-\([0-9]*\).*/\1/p')
say "making a throwaway Wine prefix"
"$wine" wineboot --init </dev/null >"$logs/wineboot.log" 2>&1 || {
    cat "$logs/wineboot.log" >&2
    fail "wineboot could not make a Wine prefix"
}
if [ -z "$wine_major" ] || [ "$wine_major" -lt 9 ]; then
    say "Wine ${wine_major:-?} has no ProcessPrng: building scripts/wine-shim"
    x86_64-w64-mingw32-gcc -shared -O2 -s -Wall -Wextra -Werror \
        -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
        scripts/wine-shim/bcryptprimitives.c scripts/wine-shim/bcryptprimitives.def -ladvapi32
fi

# ---- 1. It starts, and the content commands say what the Linux build says.
cd "$work"
status=0
win_exe --version >"$logs/version.win.out" 2>"$logs/version.win.err" || status=$?
if [ "$status" -ne 0 ]; then
    cat "$logs/version.win.err" >&2
    fail "secassess.exe does not start under Wine (exit $status; Wine's status c0000135 means a DLL it imports is missing)"
fi
lin_exe --version >"$logs/version.lin.out"
same_files "secassess --version" "$logs/version.win.out" "$logs/version.lin.out"
say "ok: secassess.exe starts: $(cat "$logs/version.win.out")"
both validate validate
both obligations obligations --set classification=official --set personal_data=yes \
    --set internet_accessible=yes

# ---- 2. A new assessment in a folder whose path has spaces, given the Windows way.
data="$work/Ward rota (2026) data"
mkdir -p "$data"
file="$data/ward-rota.secassess.toml"
run win new new "Ward rota" --description "Staff rota for the wards" --data-dir "$(winpath "$data")"
[ -f "$file" ] || fail "new did not write $file; it said: $(cat "$last_out")"
grep -q 'name = "Zoë Lead"' "$file" || fail "new did not record the assessor Zoë Lead in $file"
say "ok: new wrote $(winpath "$file")"

# The folder holds FILE and FILE.bak (after the first answer) and nothing else: no
# temporary file and no lock left behind.
only_file_and_backup() {
    local found expected
    found=$(find "$data" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort)
    expected=$(printf '%s\n' ward-rota.secassess.toml ward-rota.secassess.toml.bak | sort)
    [ "$found" = "$expected" ] || fail "after $1 the folder holds:
$found
where only the file and its .bak were expected"
}

# ---- 3. Three answers through the Windows exe.
answer_and_check() {
    cp "$file" "$work/before-answer.toml"
    run win answer answer "$(winpath "$file")" "$@"
    same_files ".bak after answer $*" "$work/before-answer.toml" "$file.bak"
    only_file_and_backup "answer $*"
    say "ok: answer $* (.bak is the previous file; no temporary file left)"
}
answer_and_check --set classification=official --set personal_data=yes
answer_and_check --set internet_accessible=yes --set admin_accounts=yes --set admin_mfa=no
answer_and_check --set "hosting_and_support=Azure UK South — built by Contoso, supported by the service desk" \
    --set go_live_date=2027-03-01 --set pen_test_status=booked
grep -qF 'Azure UK South — built by Contoso' "$file" ||
    fail "the answer with an em dash was not saved as typed in $file"

# ---- 4. The file verifies on both, with the same report (relative name: same text).
cd "$data"
both verify verify ward-rota.secassess.toml

# ---- 5. The evidence pack: byte-identical to the Linux build's.
# One "generated" time and one "today" for both builds, so the two packs can be compared.
SOURCE_DATE_EPOCH=$(date +%s)
export SOURCE_DATE_EPOCH
today=$(date -u -d "@$SOURCE_DATE_EPOCH" +%F)
mkdir -p "$work/pack-win" "$work/pack-lin"
run win export export ward-rota.secassess.toml --date "$today" \
    --pdf "$(winpath "$work/pack-win")\\pack.pdf" --markdown "$(winpath "$work/pack-win")\\pack.md" \
    --json "$(winpath "$work/pack-win")\\pack.json" --csv "$(winpath "$work/pack-win")\\pack.csv"
run lin export export ward-rota.secassess.toml --date "$today" \
    --pdf "$work/pack-lin/pack.pdf" --markdown "$work/pack-lin/pack.md" \
    --json "$work/pack-lin/pack.json" --csv "$work/pack-lin/pack.csv"
unset SOURCE_DATE_EPOCH
for name in pack.pdf pack.md pack.json pack-obligations.csv pack-findings.csv; do
    [ -s "$work/pack-win/$name" ] || fail "export did not write $name"
    same_files "the exported $name" "$work/pack-win/$name" "$work/pack-lin/$name"
done
qpdf --check "$work/pack-win/pack.pdf" >"$logs/qpdf.out" 2>&1 || {
    cat "$logs/qpdf.out" >&2
    fail "qpdf --check rejects the PDF secassess.exe wrote"
}
only_file_and_backup "export"
say "ok: export: PDF, Markdown, JSON and both CSVs byte-identical to Linux's; qpdf --check passes"

# ---- 6. A reader that stops early is not an error.
set +o pipefail
win_exe questions 2>"$logs/head.win.err" | head -1 >"$logs/head.win.out"
statuses=("${PIPESTATUS[@]}")
win_exe questions 2>"$logs/closed.win.err" | true
closed_statuses=("${PIPESTATUS[@]}")
set -o pipefail
lin_exe questions | head -1 >"$logs/head.lin.out"
for check in "head:${statuses[0]}" "closed:${closed_statuses[0]}"; do
    name=${check%%:*}
    status=${check#*:}
    if [ "$status" -ne 0 ] || [ -s "$logs/$name.win.err" ]; then
        cat "$logs/$name.win.err" >&2
        fail "secassess.exe questions with its reader gone ($name) exited $status (want 0, quietly)"
    fi
done
same_files "the first line of secassess questions" "$logs/head.win.out" "$logs/head.lin.out"
say "ok: questions | head -1, and a pipe already closed: exit 0, nothing on stderr"

# ---- 7. The same keys in the TUI save the same answers on Windows and on Linux.
# Number keys answer (Enter is for confirming what is selected); d is "don't know yet";
# q quits. Eleven keys: ten answers across the first questions of the profile.
keys=2122dd1131q
mkdir -p "$work/tui-win" "$work/tui-lin"
cd "$work"
lin_exe new "Key test" --output "$work/tui-lin" >/dev/null
cp "$work/tui-lin/key-test.secassess.toml" "$work/tui-win/"
# drive BUILD COMMAND...: types the keys; the exit status goes in tui_status_BUILD.
drive() {
    local build=$1
    shift
    local status=0
    python3 "$root/scripts/drive-tui.py" --timeout 30 --ready " secassess " \
        --transcript "$logs/tui.$build.screen" "$keys" -- "$@" || status=$?
    printf -v "tui_status_$build" '%s' "$status"
}
drive win env "SECASSESS_CONFIG_DIR=$(winpath "$work/win-config")" "$wine" "$exe" \
    open "$(winpath "$work/tui-win/key-test.secassess.toml")"
drive lin env "SECASSESS_CONFIG_DIR=$work/lin-config" "$linux" \
    open "$work/tui-lin/key-test.secassess.toml"

# The answers and the audit trail's record of each change, without times and hashes.
saved_answers() {
    awk '
        /^\[/ { table = $0 }
        /^\[\[audit\]\]/ { print "audit:"; next }
        /^\[answers\./ { print; next }
        table ~ /^\[answers\./ && !/^answered_at = / { print }
        table == "[[audit]]" && /^(action|subject|old|new) = / { print "  " $0 }
    ' "$1"
}
saved_answers "$work/tui-win/key-test.secassess.toml" >"$logs/tui.win.answers"
saved_answers "$work/tui-lin/key-test.secassess.toml" >"$logs/tui.lin.answers"
answered=$(grep -c '^\[answers\.' "$logs/tui.lin.answers" || true)
[ "$answered" -ge 8 ] || fail "the keys $keys answered only $answered questions on Linux: the sequence no longer walks the questions it was written for"
# Answers first: when a key is counted twice, that difference says more than a hang.
same_files "the answers the TUI saved from the keys $keys (Windows, then Linux)" \
    "$logs/tui.win.answers" "$logs/tui.lin.answers"
for build in win lin; do
    status_var="tui_status_$build"
    [ "${!status_var}" -eq 0 ] ||
        fail "$build: the TUI did not quit cleanly on its keys (exit ${!status_var}; what it drew is in $logs/tui.$build.screen)"
done
say "ok: TUI: the keys $keys saved the same $answered answers under Wine as on Linux"

# ---- 8. SSH signatures made by the exe, checked by both builds and by ssh-keygen.
sign="$work/signing"
mkdir -p "$sign"
cd "$sign"
passphrase="smoke test passphrase"
ssh-keygen -q -t ed25519 -N "$passphrase" -C "pat laptop" -f "$sign/pat_key" </dev/null
printf 'pat@example.nhs.uk namespaces="secassess" %s\n' "$(cat "$sign/pat_key.pub")" >allowed_signers
run win new new "Signing test" --output "$(winpath "$sign")"
run win finding finding add signing-test.secassess.toml --title "Supplier desk resets passwords by phone"
# The business owner records and signs her own acceptance; the passphrase is one line
# of standard input, as a script gives it.
status=0
printf '%s\n' "$passphrase" | SECASSESS_CONFIG_DIR=$(winpath "$work/win-config") \
    SECASSESS_NAME="Pat Owner" SECASSESS_EMAIL="pat@example.nhs.uk" "$wine" "$exe" \
    finding accept signing-test.secassess.toml F-001 --by "Pat Owner <pat@example.nhs.uk>" \
    --role "Business owner" --review 2099-01-01 --rationale "Call-back first" \
    --key "$(winpath "$sign/pat_key")" >"$logs/sign.win.out" 2>"$logs/sign.win.err" || status=$?
if [ "$status" -ne 0 ] || ! grep -q "Signature: risk acceptance: signed by pat@example.nhs.uk" "$logs/sign.win.out"; then
    cat "$logs/sign.win.out" "$logs/sign.win.err" >&2
    fail "secassess.exe did not sign the risk acceptance with an encrypted key (exit $status)"
fi
grep -q "$passphrase" signing-test.secassess.toml && fail "the passphrase is in the assessment file"
both verify-signed verify signing-test.secassess.toml --allowed-signers allowed_signers
grep -q "signed by pat@example.nhs.uk with key SHA256:.*, trusted" "$last_out" ||
    fail "verify does not call the exe's signature trusted: $(cat "$last_out")"
run win export-signed verify signing-test.secassess.toml --allowed-signers allowed_signers \
    --export-signed-content signed
ssh-keygen -Y verify -f allowed_signers -I pat@example.nhs.uk -n secassess \
    -s signed/risk-acceptance-F-001.txt.sig <signed/risk-acceptance-F-001.txt >"$logs/ssh-keygen.out" 2>&1 || {
    cat "$logs/ssh-keygen.out" >&2
    fail "ssh-keygen -Y verify rejects the signature secassess.exe made"
}
say "ok: the exe signed with an encrypted key; both builds call it trusted; $(cat "$logs/ssh-keygen.out")"

# Without --key the exe finds the key where OpenSSH for Windows keeps it,
# %USERPROFILE%\.ssh\id_ed25519 (asked of Windows, not of HOME).
profile_win=$("$wine" cmd /c 'echo %USERPROFILE%' 2>/dev/null | tr -d '\r')
profile=$("$wine" winepath -u "$profile_win" 2>/dev/null | tr -d '\r')
[ -d "$profile" ] || fail "the Wine user profile folder ($profile_win) was not found"
mkdir -p "$profile/.ssh"
cp "$sign/pat_key" "$profile/.ssh/id_ed25519"
run win finding finding add signing-test.secassess.toml --title "Shared mailbox without MFA"
status=0
printf '%s\n' "$passphrase" | SECASSESS_CONFIG_DIR=$(winpath "$work/win-config") \
    SECASSESS_NAME="Pat Owner" SECASSESS_EMAIL="pat@example.nhs.uk" "$wine" "$exe" \
    finding accept signing-test.secassess.toml F-002 --by "Pat Owner <pat@example.nhs.uk>" \
    --role "Business owner" --review 2099-01-01 --rationale "Mailbox retired in March" \
    >"$logs/sign-profile.win.out" 2>"$logs/sign-profile.win.err" || status=$?
rm -f "$profile/.ssh/id_ed25519"
if [ "$status" -ne 0 ] || ! grep -q 'SSH key ~\\.ssh\\id_ed25519' "$logs/sign-profile.win.out" ||
    ! grep -q "Signature: risk acceptance: signed by pat@example.nhs.uk" "$logs/sign-profile.win.out"; then
    cat "$logs/sign-profile.win.out" "$logs/sign-profile.win.err" >&2
    fail "secassess.exe did not sign with the key in %USERPROFILE%\\.ssh (exit $status)"
fi
both verify-signed-profile verify signing-test.secassess.toml --allowed-signers allowed_signers
[ "$(grep -c "signed by pat@example.nhs.uk with key SHA256:.*, trusted" "$last_out")" -eq 2 ] ||
    fail "verify does not call both of the exe's signatures trusted: $(cat "$last_out")"
say "ok: the exe found the key in $profile_win\\.ssh without --key, and both builds trust its signature"

"$wineserver" -w
say "Windows smoke test passed"
