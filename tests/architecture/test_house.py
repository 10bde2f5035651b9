"""The house rules, as tests: the layers (import-linter's contracts in setup.cfg), no module much
over 500 lines, no import of our own modules hidden in a function body, no reach into another
module's private names, and one vocabulary."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "auction_flow"
MODULES = sorted(PACKAGE.rglob("*.py"))


def _lint_imports() -> str:
    found = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert found, "import-linter is part of the test extras"
    return found


def test_the_layers_hold():
    r = subprocess.run([_lint_imports(), "--config", str(ROOT / "setup.cfg")], cwd=ROOT, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 broken" in r.stdout


def test_an_upward_import_breaks_the_build(tmp_path):
    """The contracts catch what they are for: a copy of the package whose engine imports a feature."""
    copy = tmp_path / "auction_flow"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    engine = copy / "core" / "engine.py"
    engine.write_text(engine.read_text() + "\nfrom auction_flow.features.alerts import view  # noqa: E402,F401\n")
    shutil.copy(ROOT / "setup.cfg", tmp_path / "setup.cfg")
    r = subprocess.run([_lint_imports(), "--config", str(tmp_path / "setup.cfg")], cwd=tmp_path,
                       capture_output=True, text=True, timeout=120, env={"PYTHONPATH": str(tmp_path), "PATH": ""})
    assert r.returncode != 0
    assert "auction_flow.core.engine -> auction_flow.features.alerts.view" in r.stdout


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_much_over_500_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 550


def _own_imports(node) -> list[str]:
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        return [node.module] if node.module.startswith("auction_flow") else []
    if isinstance(node, ast.ImportFrom) and node.level:
        return ["." * node.level + (node.module or "")]
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.startswith("auction_flow")]
    return []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_of_our_modules_are_at_the_top_and_absolute(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    hidden = [(n.lineno, m) for fn in ast.walk(tree) if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))
              for n in ast.walk(fn) for m in _own_imports(n)]
    relative = [(n.lineno, m) for n in ast.walk(tree) for m in _own_imports(n) if m.startswith(".")]
    assert not hidden, f"imports inside functions: {hidden}"
    assert not relative, f"relative imports: {relative}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_uses_another_modules_private_names(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = {}
    for n in ast.walk(tree):
        if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("auction_flow"):
            for a in n.names:
                assert not a.name.startswith("_"), f"line {n.lineno} imports the private {n.module}.{a.name}"
                modules[a.asname or a.name] = f"{n.module}.{a.name}"
    reached = [(n.lineno, f"{n.value.id}.{n.attr}") for n in ast.walk(tree)
               if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id in modules
               and n.attr.startswith("_") and not n.attr.startswith("__")]
    assert not reached, f"private names of other modules: {reached}"


def test_words_users_read_live_only_in_the_vocabulary():
    """No module outside auction_flow/common/words defines a vi/en table of its own."""
    offenders = []
    for path in MODULES:
        if "common/words" in str(path):
            continue
        for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            texts = {k.value: v for k, v in zip(n.keys, n.values) if isinstance(k, ast.Constant)} \
                if isinstance(n, ast.Dict) else {}
            if {"vi", "en"} <= set(texts) and all(isinstance(texts[lang], ast.Constant) for lang in ("vi", "en")):
                offenders.append(f"{path.relative_to(PACKAGE)}:{n.lineno}")
    assert not offenders
