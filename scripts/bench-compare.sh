#!/usr/bin/env bash
# Times secassess against what teams use today, in one run on one machine, and prints
# the ratios; also the release binary's size and peak memory.
#
#   1. The evidence pack: `secassess export --pdf` of a fully answered assessment (every
#      question answered, a finding for every unmet MUST) against the same text as an
#      OpenDocument file converted with `libreoffice --headless --convert-to pdf`, which
#      is how a Word template becomes a PDF today.
#   2. Start-up: time from launch to the first screen of the TUI against `whiptail` (a
#      dialog box), both in a pseudo-terminal.
#   3. Binary size, and peak RSS (max resident set) for the export and for a scripted
#      walkthrough in the TUI.
#
# Usage: scripts/bench-compare.sh [RUNS]     (RUNS defaults to 10)
# Needs: python3 (for the pseudo-terminal), GNU time; installs libreoffice-writer-nogui,
# whiptail and hyperfine with apt-get when missing (root or sudo). Nothing here touches
# the network except that apt-get.
set -euo pipefail

runs="${1:-10}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

say() { printf '\n==> %s\n' "$*"; }

need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
command -v whiptail >/dev/null 2>&1 || need+=(whiptail)
command -v hyperfine >/dev/null 2>&1 || need+=(hyperfine)
[ -x /usr/bin/time ] || need+=(time)
command -v python3 >/dev/null 2>&1 || need+=(python3)
if [ "${#need[@]}" -gt 0 ]; then
    sudo=()
    [ "$(id -u)" -ne 0 ] && sudo=(sudo)
    say "installing ${need[*]}"
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

say "cargo build --release"
cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-$root/target}/release/secassess"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export SECASSESS_DATA_DIR="$work/data" SECASSESS_CONFIG_DIR="$work/config"
export SECASSESS_NAME="Ann Lead" SECASSESS_EMAIL="ann.lead@example.nhs.uk" SECASSESS_ROLE="Project lead"
file="$work/data/benchmark-system.secassess.toml"

say "building a fully answered assessment"
"$bin" new "Benchmark system" --description "Every question answered, for timing" >/dev/null
# One --set per question: yes, the first option, a date, text, a link.
mapfile -t sets < <("$bin" questions --format json | python3 -c '
import json, sys
data = json.load(sys.stdin)
questions = data["questions"] if isinstance(data, dict) else [q for qn in data for s in qn["sections"] for q in s["questions"]]
for q in questions:
    kind = q["kind"]
    options = q.get("options") or []
    value = {"yes-no": "yes", "date": "2026-12-01", "text": "Answered for the benchmark.",
             "evidence": "https://example.invalid/evidence/report.pdf"}.get(kind)
    if value is None:
        value = options[0]["value"] if options else "dont-know"
    print("--set=%s=%s" % (q["id"], value))
')
"$bin" answer "$file" "${sets[@]}" >/dev/null
# A finding with a mitigation plan for every MUST that is not met.
mapfile -t gaps < <("$bin" check "$file" --format json | python3 -c '
import json, sys
report = json.load(sys.stdin)
for b in report.get("blockers", []):
    if b.get("obligation"):
        print(b["obligation"])
' || true)
for obligation in "${gaps[@]}"; do
    id="$("$bin" finding add "$file" --obligation "$obligation" --owner "Ann Lead" | sed -n 's/.*\(F-[0-9]*\).*/\1/p' | head -n1)"
    [ -n "$id" ] && "$bin" finding plan "$file" "$id" --actions "Planned in the delivery plan" \
        --owner "Ann Lead" --target 2027-06-30 >/dev/null
done
answered="$(grep -c '^\[answers\.' "$file" || true)"
findings="$(grep -c '^\[\[findings\]\]' "$file" || true)"
echo "assessment: $answered answers, $findings findings ($(stat -c %s "$file") bytes)"

say "the same content as an OpenDocument text, for LibreOffice"
"$bin" export "$file" --markdown "$work/pack.md" >/dev/null
python3 - "$work/pack.md" "$work/pack.fodt" <<'EOF'
import sys, html
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
body = []
for line in lines:
    text = html.escape(line.lstrip("#|-* ").strip())
    if not text:
        continue
    style = "Heading_20_1" if line.startswith("#") else "Text_20_body"
    body.append(f'<text:p text:style-name="{style}">{text}</text:p>')
doc = f'''<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3"
 office:mimetype="application/vnd.oasis.opendocument.text">
<office:body><office:text>{"".join(body)}</office:text></office:body></office:document>'''
open(sys.argv[2], "w", encoding="utf-8").write(doc)
EOF
echo "pack.fodt: $(wc -l < "$work/pack.md") lines of text"

say "evidence pack: secassess export --pdf vs libreoffice --convert-to pdf ($runs runs each)"
# LibreOffice creates its profile on first use; one warm-up run keeps that out of the timing.
soffice --headless --convert-to pdf --outdir "$work/lo" "$work/pack.fodt" >/dev/null 2>&1
hyperfine --runs "$runs" --warmup 1 --export-json "$work/export.json" \
    -n "secassess export --pdf" "'$bin' export '$file' --pdf '$work/pack.pdf'" \
    -n "libreoffice --convert-to pdf" "soffice --headless --convert-to pdf --outdir '$work/lo' '$work/pack.fodt'"

say "start-up to first screen: secassess (TUI) vs whiptail ($runs runs each)"
cat > "$work/first_frame.py" <<'EOF'
# Median milliseconds from spawning a program in an 80x24 pseudo-terminal to its first
# screen containing MARKER. Usage: first_frame.py RUNS MARKER -- COMMAND...
import os, pty, select, signal, statistics, sys, time
runs, marker, command = int(sys.argv[1]), sys.argv[2].encode(), sys.argv[4:]
times = []
for _ in range(runs):
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.environ["LINES"], os.environ["COLUMNS"] = "24", "80"
        os.execvp(command[0], command)
    seen = b""
    while marker not in seen:
        ready, _, _ = select.select([fd], [], [], 10)
        if not ready:
            sys.exit("no first screen within 10 s: " + seen[-300:].decode(errors="replace"))
        try:
            seen += os.read(fd, 65536)
        except OSError:
            break
    times.append((time.perf_counter() - start) * 1000)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    os.close(fd)
print(f"{statistics.median(times):.1f}")
EOF
tui_ms="$(python3 "$work/first_frame.py" "$runs" "question 1 of" -- "$bin" open "$file")"
whiptail_ms="$(python3 "$work/first_frame.py" "$runs" "Security classification" -- whiptail --title "secassess" --menu "Security classification" 20 70 4 1 OFFICIAL 2 OFFICIAL-SENSITIVE 3 SECRET 4 "TOP SECRET")"
echo "secassess TUI, launch to first screen: ${tui_ms} ms (median of $runs)"
echo "whiptail menu, launch to first screen: ${whiptail_ms} ms (median of $runs)"

say "binary size and peak memory"
size="$(stat -c %s "$bin")"
export_rss="$( { /usr/bin/time -f '%M' "$bin" export "$file" --pdf "$work/rss.pdf" >/dev/null; } 2>&1 | tail -n1)"
# A scripted walkthrough: open, move through 30 questions, both other screens, quit.
walk_rss="$(python3 - "$bin" "$file" <<'EOF'
import os, pty, resource, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "xterm-256color"
    os.execvp(sys.argv[1], [sys.argv[1], "open", sys.argv[2]])
def drain(seconds):
    end = time.time() + seconds
    while time.time() < end:
        if select.select([fd], [], [], 0.05)[0]:
            try: os.read(fd, 65536)
            except OSError: return
drain(1.0)
for key in ["l"] * 30 + ["o", "j", "j", "v", "w", "?", "\x1b", "q"]:
    os.write(fd, key.encode()); drain(0.05)
os.waitpid(pid, 0)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
EOF
)"
echo "release binary: $size bytes ($((size / 1024)) KiB)"
echo "peak RSS, export --pdf: ${export_rss} KiB"
echo "peak RSS, TUI walkthrough (30 questions, obligations, overview, help): ${walk_rss} KiB"

say "ratios"
python3 - "$work/export.json" "$tui_ms" "$whiptail_ms" <<'EOF'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
ours = results["secassess export --pdf"]["median"]
theirs = results["libreoffice --convert-to pdf"]["median"]
print(f"evidence pack: secassess {ours*1000:.1f} ms, libreoffice {theirs*1000:.1f} ms: "
      f"secassess takes {ours/theirs:.3f}x the time ({theirs/ours:.0f}x faster)")
tui, whip = float(sys.argv[2]), float(sys.argv[3])
print(f"start-up: secassess {tui:.1f} ms, whiptail {whip:.1f} ms: ratio {tui/whip:.2f}")
EOF
