#!/usr/bin/env bash
# Times the whole command line on a tree of the fixture pages replicated to at least 50 MB:
# batch MB/s at -j 1 and -j 2 (and every core), the speed-up, peak RSS, and one page through
# standard input, start-up included; then, in the same run, the in-process bare parse and htmd
# on the same pages (`cargo bench --bench convert -- ratios`) and the batch's ratios to them.
# Usage: scripts/bench-batch.sh [MIN_MB] [RUNS]
# BIN=path/to/cdt2md measures another build (an earlier commit's, for before/after);
# NO_INPROCESS=1 skips the in-process part (it builds the benchmark, a minute or two).
set -euo pipefail
cd "$(dirname "$0")/.."
min_mb=${1:-50}
runs=${2:-3}

if [ -z "${BIN:-}" ]; then
    cargo build --release --quiet
fi
bin=${BIN:-target/release/cdt2md}
# A RAM-backed folder when there is one: this measures the tool, not the disk (on the
# machines here, writing thousands of small files to the virtual disk varies by 3x run to run).
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
    work=$(mktemp -d -p /dev/shm)
else
    work=$(mktemp -d)
fi
trap 'rm -rf "$work"' EXIT

# the tree: copies of fixtures/pages in numbered folders until it holds min_mb
page_bytes=$(cat fixtures/pages/* | wc -c)
copies=$(( (min_mb * 1000000 + page_bytes - 1) / page_bytes ))
for i in $(seq 1 "$copies"); do
    mkdir -p "$work/in/$((i % 100))/$i"
    cp fixtures/pages/* "$work/in/$((i % 100))/$i/"
done
files=$(find "$work/in" -type f | wc -l)
bytes=$(find "$work/in" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
mb=$(awk "BEGIN {printf \"%.1f\", $bytes / 1e6}")
echo "tree: $files pages, $mb MB ($(nproc) cores)"

# best of $runs for a fresh conversion (empty OUT) at a given -j; prints seconds
best() {
    local jobs=$1 best=""
    for _ in $(seq 1 "$runs"); do
        rm -rf "$work/out"
        local start end
        start=$(date +%s.%N)
        "$bin" "$work/in" -o "$work/out" -q -j "$jobs"
        end=$(date +%s.%N)
        best=$(awk -v a="$best" -v b="$(awk "BEGIN {print $end - $start}")" 'BEGIN {if (a == "" || b < a) print b; else print a}')
    done
    echo "$best"
}

t1=$(best 1)
t2=$(best 2)
tall=$(best "$(nproc)")
rss=$( { /usr/bin/time -v "$bin" "$work/in" -o "$work/out-rss" -q -j 2 ; } 2>&1 | awk -F: '/Maximum resident/ {gsub(/ /, "", $2); print $2}')
awk -v mb="$mb" -v t1="$t1" -v t2="$t2" -v ta="$tall" -v n="$(nproc)" -v rss="$rss" 'BEGIN {
    printf "batch -j 1: %6.1f MB/s (%.2f s)\n", mb / t1, t1
    printf "batch -j 2: %6.1f MB/s (%.2f s), speed-up %.2fx\n", mb / t2, t2, t1 / t2
    printf "batch -j %d: %6.1f MB/s (%.2f s), speed-up %.2fx\n", n, mb / ta, ta, t1 / ta
    printf "peak RSS at -j 2: %.1f MiB\n", rss / 1024
}'

# Memory with the largest pages: 16 dense 1 MB pages (a paragraph with bold and a link every
# 110 bytes, about the worst markup density for the DOM) among a copy of the fixtures.
mkdir -p "$work/big"
cp fixtures/pages/* "$work/big/"
LC_ALL=C awk 'BEGIN {
    for (i = 1; size < 999000; i++) {
        line = sprintf("<p>段落 %d <b>粗体</b> <a href=\"https://example.org/%d\">链接</a> 文字文字文字文字文字文字</p>\n", i, i)
        size += length(line); printf "%s", line
    }
}' > "$work/big/dense-01.html"
for i in $(seq 2 16); do cp "$work/big/dense-01.html" "$work/big/dense-$i.html"; done
for jobs in 1 2; do
    rss=$( { /usr/bin/time -v "$bin" "$work/big" -o "$work/out-big-$jobs" -q -j "$jobs" ; } 2>&1 | awk -F: '/Maximum resident/ {gsub(/ /, "", $2); print $2}')
    awk -v r="$rss" -v j="$jobs" 'BEGIN {printf "peak RSS with 1 MB pages at -j %d: %.1f MiB\n", j, r / 1024}'
done

# one page through standard input, start-up included: mean of 200 runs
page=fixtures/pages/000_7bdf76efb00067fa.txt
start=$(date +%s.%N)
for _ in $(seq 1 200); do "$bin" -q - < "$page" > /dev/null; done
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" 'BEGIN {printf "one page via stdin: %.2f ms per run\n", (e - s) * 1000 / 200}'

# The batch against the in-process floor and htmd, measured now on this machine: only ratios
# from one run mean anything here.
if [ -z "${NO_INPROCESS:-}" ]; then
    inprocess=$(cargo bench --quiet --bench convert -- ratios 2>/dev/null)
    parse=$(awk '/\(1\) bare parse/ {print $(NF-1)}' <<<"$inprocess")
    htmd=$(awk '/\(3\) htmd/ {print $(NF-1)}' <<<"$inprocess")
    awk -v mb="$mb" -v t1="$t1" -v p="$parse" -v h="$htmd" 'BEGIN {
        printf "in process: bare parse %.1f MB/s, htmd %.1f MB/s\n", p, h
        printf "batch -j 1 / bare parse = %.2f (goal >= 0.70), / htmd = %.2f (goal >= 1.00)\n", mb / t1 / p, mb / t1 / h
    }'
fi
