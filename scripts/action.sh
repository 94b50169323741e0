#!/usr/bin/env bash
# The cdt2md GitHub Action (action.yml) in one script: find or install the cdt2md binary, then
# run it on the action's inputs. action.yml only caches the binary and passes the inputs here.
#
#   action.sh            run cdt2md on the inputs (INPUT_* variables, below)
#   action.sh --resolve  print version=X.Y.Z, dir=FOLDER and source=ID (appended to
#                        $GITHUB_OUTPUT when that is set): the version wanted, where its binary
#                        is cached, and what it is built from (for the cache key)
#
# Inputs, as environment variables (a composite action sets none of them by itself):
#   INPUT_PATHS    inputs, split on whitespace only [default: the config's `inputs`, else .]
#   INPUT_OUTPUT   the OUT folder [default: the config's `output`; required without one]
#   INPUT_MODE     check (compare, write nothing) or convert [default: check]
#   INPUT_SHARD    K/N, passed as --shard K/N
#   INPUT_CONFIG   a cdt2md.toml, passed as --config FILE
#   INPUT_ARGS     more arguments, split on whitespace only
#   INPUT_VERSION  the cdt2md version [default: the version in the action's Cargo.toml]
# Where the binary comes from, first found wins:
#   1. `cdt2md` on PATH, when `cdt2md --version` says the wanted version;
#   2. the cache folder, $RUNNER_TOOL_CACHE/cdt2md/VERSION (else ~/.cdt2md-action/VERSION);
#   3. the release asset for this runner, checked against its .sha256, from
#      ${CDT2MD_RELEASES_URL:-https://github.com/REPO/releases/download}/vVERSION/, where REPO
#      is $CDT2MD_REPO, else $GITHUB_ACTION_REPOSITORY, else cdt2md/cdt2md;
#   4. cargo install into the cache folder: the action's own source when the version is the
#      action's own, else that version from crates.io.
# Exit status: cdt2md's; 2 for a bad input; 3 when no binary could be had.
set -euo pipefail

say() { printf 'cdt2md-action: %s\n' "$*" >&2; }

# A failure the workflow shows as an annotation, then exit with status $1.
fail() {
    local status=$1 message
    shift
    # GitHub's escapes for a command's message, so that an input's `%` or newline stays text
    message=${*//%/%25}
    message=${message//$'\r'/%0D}
    message=${message//$'\n'/%0A}
    printf '::error title=cdt2md-action::%s\n' "$message"
    say "error: $*"
    exit "$status"
}

action_path=${GITHUB_ACTION_PATH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}

# The version in the action's own Cargo.toml: the first `version = "..."` line, [package]'s.
own_version() {
    local line
    line=$(grep -m1 -E '^version[[:space:]]*=' "$action_path/Cargo.toml") || return 1
    line=${line#*\"}
    printf '%s\n' "${line%%\"*}"
}

version=${INPUT_VERSION:-}
version=${version#v}
if [ -z "$version" ]; then
    version=$(own_version) || fail 3 "no version in $action_path/Cargo.toml"
fi
case $version in
    *[!0-9A-Za-z.+-]* | "") fail 2 "input 'version' is not a version: '$version'" ;;
esac

exe=""
case ${RUNNER_OS:-$(uname -s)} in
    Windows | MINGW* | MSYS* | CYGWIN*) exe=".exe" ;;
esac

if [ -n "${RUNNER_TOOL_CACHE:-}" ]; then
    cache_dir="$RUNNER_TOOL_CACHE/cdt2md/$version"
else
    cache_dir="${HOME:?HOME or RUNNER_TOOL_CACHE must be set}/.cdt2md-action/$version"
fi

# What a cached binary was built from, for the cache key: one cargo built from the action's
# own source is stale once that source changes, even where its version does not.
source_id() {
    if [ "$version" != "$(own_version 2>/dev/null)" ]; then
        printf 'v%s\n' "$version"
        return
    fi
    # each file's name and bytes, so that a renamed file changes it too
    (cd "$action_path" && find Cargo.toml Cargo.lock src -type f -print0 2>/dev/null |
        LC_ALL=C sort -z | while IFS= read -r -d '' file; do
            printf '%s\n' "$file"
            cat "$file"
        done) |
        { sha256sum 2>/dev/null || shasum -a 256; } | cut -c1-16
}

if [ "${1:-}" = "--resolve" ]; then
    resolved=$(printf 'version=%s\ndir=%s\nsource=%s\n' "$version" "$cache_dir" "$(source_id)")
    printf '%s\n' "$resolved"
    if [ -n "${GITHUB_OUTPUT:-}" ]; then
        printf '%s\n' "$resolved" >>"$GITHUB_OUTPUT"
    fi
    exit 0
fi

# --- inputs ---------------------------------------------------------------------------------

config=${INPUT_CONFIG:-}
# A config file may name the inputs and OUT itself; cdt2md finds cdt2md.toml on its own.
has_config=""
config_file=$config
if [ -z "$config_file" ] && [ -f "${GITHUB_WORKSPACE:-.}/cdt2md.toml" ]; then
    config_file="${GITHUB_WORKSPACE:-.}/cdt2md.toml"
fi
if [ -n "$config_file" ]; then
    has_config=yes
fi
# Whether the config names its inputs (a top-level `inputs = …`); without them the action
# converts the workspace, as it does with no config at all (cdt2md alone would read stdin).
config_has_inputs=""
if [ -n "$config_file" ] && [ -f "$config_file" ] &&
    grep -Eq "^[[:space:]]*(inputs|\"inputs\"|'inputs')[[:space:]]*=" "$config_file"; then
    config_has_inputs=yes
fi
output=${INPUT_OUTPUT:-}
if [ -z "$output" ] && [ -z "$has_config" ]; then
    fail 2 "input 'output' is required without a cdt2md.toml: the folder of Markdown (with: output: markdown/)"
fi
mode=${INPUT_MODE:-check}
case $mode in
    check | convert) ;;
    *) fail 2 "input 'mode' must be check or convert, not '$mode'" ;;
esac
shard=${INPUT_SHARD:-}
if [ -n "$shard" ] && ! [[ $shard =~ ^[0-9]+/[0-9]+$ ]]; then
    fail 2 "input 'shard' must be K/N (e.g. 2/4), not '$shard'"
fi
paths=()
read -r -d '' -a paths <<<"${INPUT_PATHS:-}" || true
if [ ${#paths[@]} -eq 0 ] && [ -z "$config_has_inputs" ]; then
    paths=(.)
fi
extra=()
read -r -d '' -a extra <<<"${INPUT_ARGS:-}" || true

# --- the binary -----------------------------------------------------------------------------

# The Rust target whose release asset runs here; empty where there is none.
release_target() {
    local os arch
    os=${RUNNER_OS:-$(uname -s)}
    arch=${RUNNER_ARCH:-$(uname -m)}
    case "$os/$arch" in
        Linux/X64 | Linux/x86_64) echo x86_64-unknown-linux-musl ;;
        macOS/X64 | Darwin/x86_64) echo x86_64-apple-darwin ;;
        macOS/ARM64 | Darwin/arm64 | Darwin/aarch64) echo aarch64-apple-darwin ;;
        Windows/X64 | MINGW*/x86_64 | MSYS*/x86_64) echo x86_64-pc-windows-msvc ;;
        *) echo "" ;;
    esac
}

sha256_of() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -d' ' -f1
    elif command -v shasum >/dev/null 2>&1; then
        shasum -a 256 "$1" | cut -d' ' -f1
    else
        return 1
    fi
}

# Downloads and checks the release asset into the cache folder; fails on any problem.
download() {
    local target repo base name tmp want got
    target=$(release_target)
    if [ -z "$target" ]; then
        say "no release asset for ${RUNNER_OS:-$(uname -s)}/${RUNNER_ARCH:-$(uname -m)}"
        return 1
    fi
    if ! command -v curl >/dev/null 2>&1; then
        say "curl is not installed: cannot download the release asset"
        return 1
    fi
    repo=${CDT2MD_REPO:-${GITHUB_ACTION_REPOSITORY:-}}
    repo=${repo:-cdt2md/cdt2md}
    base=${CDT2MD_RELEASES_URL:-https://github.com/$repo/releases/download}
    name="cdt2md-v$version-$target.tar.gz"
    tmp=$(mktemp -d)
    say "downloading $base/v$version/$name"
    if ! curl -fsSL --retry 3 -o "$tmp/$name" "$base/v$version/$name" ||
        ! curl -fsSL --retry 3 -o "$tmp/$name.sha256" "$base/v$version/$name.sha256"; then
        say "download failed"
        rm -rf "$tmp"
        return 1
    fi
    want=$(cut -d' ' -f1 <"$tmp/$name.sha256" | tr -d '\r\n')
    if ! got=$(sha256_of "$tmp/$name"); then
        say "neither sha256sum nor shasum is installed: cannot check the download"
        rm -rf "$tmp"
        return 1
    fi
    if [ -z "$want" ] || [ "$want" != "$got" ]; then
        say "checksum mismatch for $name: expected '$want', got '$got'"
        rm -rf "$tmp"
        return 1
    fi
    mkdir -p "$cache_dir/bin"
    if ! tar -xzf "$tmp/$name" -C "$cache_dir/bin"; then
        say "could not unpack $name"
        rm -rf "$tmp"
        return 1
    fi
    rm -rf "$tmp"
    [ -x "$cache_dir/bin/cdt2md$exe" ]
}

build() {
    if ! command -v cargo >/dev/null 2>&1; then
        say "cargo is not installed: cannot build cdt2md $version"
        return 1
    fi
    if [ "$version" = "$(own_version || true)" ]; then
        say "building cdt2md $version from $action_path with cargo install"
        cargo install --locked --path "$action_path" --root "$cache_dir"
    else
        say "building cdt2md $version from crates.io with cargo install"
        cargo install --locked cdt2md --version "=$version" --root "$cache_dir"
    fi
}

binary=""
if command -v cdt2md >/dev/null 2>&1; then
    found=$(cdt2md --version 2>/dev/null || true)
    if [ "$found" = "cdt2md $version" ]; then
        binary=$(command -v cdt2md)
    else
        say "cdt2md on PATH is '${found:-unknown}', not $version: not using it"
    fi
fi
if [ -z "$binary" ] && [ -x "$cache_dir/bin/cdt2md$exe" ]; then
    binary="$cache_dir/bin/cdt2md$exe"
fi
if [ -z "$binary" ]; then
    if download || build; then
        binary="$cache_dir/bin/cdt2md$exe"
    else
        fail 3 "could not download or build cdt2md $version"
    fi
fi
say "using $binary ($("$binary" --version))"

# --- the run --------------------------------------------------------------------------------

command=(${paths[@]+"${paths[@]}"})
if [ -n "$output" ]; then
    command+=(-o "$output")
fi
command+=(--message-format github)
if [ "$mode" = check ]; then
    command+=(--check)
fi
if [ -n "$shard" ]; then
    command+=(--shard "$shard")
fi
if [ -n "$config" ]; then
    command+=(--config "$config")
fi
# (the `+` form: bash 3.2, macOS's, calls an empty array unbound under set -u)
command+=(${extra[@]+"${extra[@]}"})

if [ -n "${GITHUB_WORKSPACE:-}" ]; then
    cd "$GITHUB_WORKSPACE"
fi
line="cdt2md"
for word in "${command[@]}"; do
    line+=" $(printf '%q' "$word")"
done
printf 'cdt2md-action: running: %s\n' "$line"
status=0
"$binary" "${command[@]}" || status=$?
exit "$status"
