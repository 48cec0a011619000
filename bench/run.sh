#!/usr/bin/env bash
# Newsroom-scale benchmark: docs/PERFORMANCE.md explains what and why.
#
#   bench/run.sh [N]          N articles (default 5000), Q=10 quotes each
#
# Environment: Q (quotes per article, 10), K (history commits, 10000),
# RUNS (repetitions per measurement, 5), BENCH_DIR (where the generated
# newsroom lives, reused across runs; default /tmp/verbatim-bench-N-Q-K),
# CARGO_TARGET_DIR (where the release build goes).
set -euo pipefail

N=${1:-5000}
Q=${Q:-10}
K=${K:-10000}
RUNS=${RUNS:-5}
SEED=${SEED:-1}
HERE=$(cd "$(dirname "$0")/.." && pwd)
DIR=${BENCH_DIR:-/tmp/verbatim-bench-$N-$Q-$K}
TARGET=${CARGO_TARGET_DIR:-$HERE/target}

cd "$HERE"
cargo build --release --quiet --bin verbatim --example gen_newsroom
BIN=$TARGET/release/verbatim
GEN=$TARGET/release/examples/gen_newsroom

if [ ! -f "$DIR/.generated" ]; then
    rm -rf "$DIR"
    echo "generating $N articles x $Q quotes, $K commits in $DIR ..."
    start=$(date +%s%N)
    "$GEN" --articles "$N" --quotes-per-article "$Q" --commits "$K" \
        --seed "$SEED" --out "$DIR" --po "$DIR.po" > "$DIR.summary"
    echo "generated in $(( ($(date +%s%N) - start) / 1000000 )) ms"
    touch "$DIR/.generated"
fi
SLUG=$(awk '/^sample_slug/ {print $2}' "$DIR.summary")
HOT=$(awk '/^hot_quote/ {print $2}' "$DIR.summary")

export NO_COLOR=1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# measure NAME COMMAND...: one warm-up, then RUNS runs; prints the median
# wall time (ms) and the median peak resident set (MB).
declare -A WALL MEM RC
measure() {
    local name=$1; shift
    "$@" > /dev/null 2>&1 || true
    local walls=() mems=()
    for _ in $(seq "$RUNS"); do
        local t0 t1
        t0=$(date +%s%N)
        local rc=0
        /usr/bin/time -f "%M" -o "$TMP/mem" "$@" > /dev/null 2>"$TMP/err" || rc=$?
        t1=$(date +%s%N)
        RC[$name]=$rc
        walls+=( $(( (t1 - t0) / 100000 )) )   # tenths of ms
        mems+=( "$(tail -n 1 "$TMP/mem")" )
    done
    local w m
    w=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    m=$(printf '%s\n' "${mems[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    WALL[$name]=$w
    MEM[$name]=$m
    printf '%-4s %10.1f ms %8.1f MB  %s\n' "$name" "$(echo "$w / 10" | bc -l)" \
        "$(echo "$m / 1024" | bc -l)" "$*" >&2
}

cd "$DIR"
files=$(find articles translations -type f | wc -l)
bytes=$(find articles translations -type f -print0 | du -cb --files0-from=- | tail -n 1 | cut -f1)
echo "newsroom: $N articles, $((N * Q)) quotes, $files files, $((bytes / 1024 / 1024)) MB; $(git rev-list --count HEAD) commits" >&2

measure a bash -c 'find articles translations -type f -print0 | xargs -0 cat > /dev/null'
measure b "$BIN" check
measure c "$BIN" check "$SLUG"
measure d "$BIN" status "$SLUG"
measure e "$BIN" check --changed-since HEAD~1
if "$BIN" log --help > /dev/null 2>&1; then
    measure f "$BIN" log "$HOT"
else
    echo "f    (verbatim log is not in this build)" >&2
fi
measure g msgfmt --check -o /dev/null "$DIR.po"

# The exit status of check is part of the benchmark: the newsroom passes.
[ "${RC[b]}" = 0 ] || echo "WARNING: verbatim check exited ${RC[b]} on the generated newsroom" >&2

ratio() { printf '%.3f' "$(echo "${WALL[$1]} / ${WALL[a]}" | bc -l)"; }
echo
echo "| | what | median wall | peak RSS | × floor |"
echo "|---|---|---:|---:|---:|"
row() {
    local key=$1 what=$2
    if [ -z "${WALL[$key]:-}" ]; then
        echo "| ($key) | $what | n/a | n/a | n/a |"
        return
    fi
    printf '| (%s) | %s | %.1f ms | %.1f MB | %s |\n' "$key" "$what" \
        "$(echo "${WALL[$key]} / 10" | bc -l)" "$(echo "${MEM[$key]} / 1024" | bc -l)" "$(ratio "$key")"
}
row a "floor: cat every file under articles/ and translations/"
row b "verbatim check (whole newsroom)"
row c "verbatim check $SLUG"
row d "verbatim status $SLUG"
row e "verbatim check --changed-since HEAD~1"
row f "verbatim log $HOT"
row g "msgfmt --check (same pairs, one PO file)"
