#!/usr/bin/env python3
"""Runs the composite action in action.yml the way a GitHub runner would, as far as a test
needs: inputs with their defaults, `${{ inputs.* }}` and `${{ steps.*.outputs.* }}` in `env`,
`with` and `if`, `if:` conditions with always()/success()/failure(), ==, !=, && and || (and
an implicit success() when a condition has no status function, as on GitHub), each
`run:` step as `bash --noprofile --norc -eo pipefail` with a fresh $GITHUB_OUTPUT whose
lines become the step's outputs, and $GITHUB_PATH lines prepended to PATH for later steps.
`uses:` steps are not run (they need GitHub); their evaluated `with` is reported instead.

usage: run_action.py ACTION_DIR INPUTS_JSON REPORT_JSON
The runner's variables (GITHUB_ACTIONS, GITHUB_WORKSPACE, RUNNER_TEMP, ...) come from the
environment; the steps run in the current directory. Prints each step's output; writes a
JSON report: [{name, id, ran, status, outputs, with}], and exits 1 when a step failed.
"""

import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def lookup(ref, inputs, steps):
    m = re.fullmatch(r"inputs\.([A-Za-z0-9_-]+)", ref)
    if m:
        if m.group(1) not in inputs:
            raise SystemExit(f"action.yml uses undeclared input {m.group(1)!r}")
        return inputs[m.group(1)]
    m = re.fullmatch(r"steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)", ref)
    if m:
        return steps.get(m.group(1), {}).get(m.group(2), "")
    raise SystemExit(f"unsupported expression {ref!r}")


def substitute(text, inputs, steps):
    return EXPR.sub(lambda m: str(lookup(m.group(1), inputs, steps)), str(text))


def condition(expr, inputs, steps, failed):
    if expr is None:
        return not failed
    expr = str(expr).strip()
    m = EXPR.fullmatch(expr)
    if m:
        expr = m.group(1)
    out = []
    for tok in re.findall(r"'[^']*'|&&|\|\||==|!=|\(|\)|[A-Za-z0-9_.()-]+", expr):
        if tok in ("always()",):
            out.append("True")
        elif tok == "success()":
            out.append(str(not failed))
        elif tok == "failure()":
            out.append(str(failed))
        elif tok == "&&":
            out.append("and")
        elif tok == "||":
            out.append("or")
        elif tok in ("==", "!=", "(", ")") or tok.startswith("'"):
            out.append(tok)
        else:
            out.append(repr(lookup(tok, inputs, steps)))
    value = bool(eval(" ".join(out), {"__builtins__": {}}, {}))
    # Like GitHub: a condition without a status function means `success() && (...)`.
    if not re.search(r"\b(always|success|failure|cancelled)\(\)", expr):
        value = value and not failed
    return value


def main():
    action_dir, given, report_path = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
    action = yaml.safe_load(open(os.path.join(action_dir, "action.yml")))
    assert action["runs"]["using"] == "composite", "a composite action"
    inputs = {k: str(v.get("default", "")) for k, v in action.get("inputs", {}).items()}
    for k, v in given.items():
        if k not in inputs:
            raise SystemExit(f"unknown input {k!r}")
        inputs[k] = str(v)
    env = dict(os.environ)
    env["GITHUB_ACTION_PATH"] = os.path.abspath(action_dir)
    steps, report, failed = {}, [], False
    for i, step in enumerate(action["runs"]["steps"]):
        name = step.get("name", f"step {i}")
        entry = {"name": name, "id": step.get("id"), "ran": False, "status": None,
                 "outputs": {}, "with": None}
        report.append(entry)
        if not condition(step.get("if"), inputs, steps, failed):
            print(f"---- {name}: skipped", flush=True)
            continue
        entry["ran"] = True
        if "uses" in step:
            entry["with"] = {k: substitute(v, inputs, steps) for k, v in step.get("with", {}).items()}
            entry["status"] = 0
            print(f"---- {name}: would run {step['uses']} with {entry['with']}", flush=True)
            continue
        assert step.get("shell") == "bash", f"{name}: shell: bash"
        with tempfile.TemporaryDirectory() as tmp:
            out_file = os.path.join(tmp, "output")
            path_file = os.path.join(tmp, "path")
            script = os.path.join(tmp, "step.sh")
            open(out_file, "w").close()
            open(path_file, "w").close()
            with open(script, "w") as f:
                f.write(step["run"])
            step_env = dict(env)
            step_env.update({k: substitute(v, inputs, steps) for k, v in step.get("env", {}).items()})
            step_env["GITHUB_OUTPUT"] = out_file
            step_env["GITHUB_PATH"] = path_file
            print(f"---- {name}", flush=True)
            status = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", script], env=step_env
            ).returncode
            outputs = dict(
                line.split("=", 1) for line in open(out_file).read().splitlines() if "=" in line
            )
            for d in reversed(open(path_file).read().splitlines()):
                env["PATH"] = d + os.pathsep + env["PATH"]
        entry["status"], entry["outputs"] = status, outputs
        if step.get("id"):
            steps[step["id"]] = outputs
        if status != 0:
            failed = True
            print(f"---- {name}: failed (exit {status})", flush=True)
    json.dump(report, open(report_path, "w"), indent=2)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
