#!/usr/bin/env bash
# The pre-commit hooks (.pre-commit-hooks.yaml) as a user's repository runs them: a git
# repository holding three fixture pages in archive/, with a .pre-commit-config.yaml naming
# this repository at its HEAD, and `pre-commit try-repo`. pre-commit builds cdt2md once
# (`language: rust`: cargo install, a release build), shared by every run below.
#
# What HEAD holds is tested, not uncommitted changes (pre-commit clones the commit).
set -euo pipefail
repo_root=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo_root"

say() { printf 'test-pre-commit: %s\n' "$*" >&2; }
die() {
    say "FAILED: $*"
    exit 1
}

if ! git -C "$repo_root" rev-parse --verify -q HEAD >/dev/null; then
    say "SKIPPED: $repo_root is not a git checkout with a commit"
    exit 0
fi
rev=$(git -C "$repo_root" rev-parse HEAD)
if ! git -C "$repo_root" diff --quiet HEAD -- .pre-commit-hooks.yaml Cargo.toml src; then
    say "WARNING: uncommitted changes: testing the hooks of HEAD ($rev), not the work tree"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

pre_commit=$(command -v pre-commit || true)
if [ -z "$pre_commit" ]; then
    python3 -m venv "$work/venv"
    "$work/venv/bin/pip" install -q pre-commit >/dev/null
    pre_commit="$work/venv/bin/pre-commit"
fi
say "$("$pre_commit" --version)"

# a store of its own, and the project's build folder: the release build .ci/run made before
# is mostly reused
export PRE_COMMIT_HOME="$work/store"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo_root/target}"
export GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@example.org
export GIT_COMMITTER_NAME=test GIT_COMMITTER_EMAIL=test@example.org
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null

user="$work/user"
mkdir -p "$user/archive"
for page in 391037 399702 400692; do
    cp "fixtures/pages/$page.html" "$user/archive/"
done
# the settings in cdt2md.toml, which the hooks (no arguments) and a local run share
printf 'inputs = ["archive"]\noutput = "markdown"\n' >"$user/cdt2md.toml"
cat >"$user/.pre-commit-config.yaml" <<YAML
repos:
  - repo: $repo_root
    rev: $rev
    hooks:
      - id: cdt2md-check
      - id: cdt2md
YAML
cd "$user"
git init -q -b main .
git add -A
git commit -q -m "an archive"

# Runs pre-commit with the arguments after the expected status and the text its output must
# hold; prints the output.
expect() {
    local want=$1 needle=$2 status=0 output
    shift 2
    say "pre-commit $* (expecting exit $want)"
    output=$("$pre_commit" "$@" 2>&1) || status=$?
    printf '%s\n' "$output" | sed 's/^/    /' >&2
    [ "$status" = "$want" ] || die "pre-commit $* exited $status, not $want"
    [[ $output == *"$needle"* ]] || die "pre-commit $* did not say '$needle'"
}

started=$SECONDS
expect 1 "missing: markdown/399702.md" run cdt2md-check --all-files
say "the hook environment was built in $((SECONDS - started)) s"

# new files are no diff to pre-commit: the refresh passes, and the Markdown is there
expect 0 "Passed" run cdt2md --all-files
count=$(find markdown -name '*.md' | wc -l)
[ "$count" = 3 ] || die "expected 3 Markdown files, found $count"
git add -A
git commit -q -m "the Markdown"
expect 0 "Passed" run --all-files

# an edited page: the check names the stale output, the refresh rewrites it (and fails, as a
# hook that changed files does), then everything passes again
sed -i.bak 's/大号冲塔/小号冲塔/g' archive/399702.html && rm archive/399702.html.bak
git commit -q -am "an edited page"
expect 1 "stale: markdown/399702.md" run cdt2md-check --all-files
# try-repo runs a hook with its default arguments (none): the config file supplies them
expect 1 "stale: markdown/399702.md" try-repo "$repo_root" cdt2md-check --all-files
expect 1 "files were modified by this hook" run cdt2md --all-files
grep -q "小号冲塔" markdown/399702.md || die "markdown/399702.md was not refreshed"
git commit -q -am "the refreshed Markdown"
expect 0 "Passed" run --all-files

expect 0 "Passed" try-repo "$repo_root" cdt2md-check --all-files

say "passed"
