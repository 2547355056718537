"""Dependencies point one way: library ← inquiries ← replies, and no module of ours imports,
at any level (function bodies included), a module that imports it back."""

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PACKAGES = ("lib", "library", "inquiries", "replies", "backups", "config")
LAYERS = {"lib": 0, "library": 1, "inquiries": 2, "replies": 3, "backups": 4}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                found[module_name(path)] = path
    return found


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Every project module `name` imports, anywhere in the file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            stem = ".".join(p for p in (base if node.level else "", node.module or "") if p)
            candidates = [stem] + [f"{stem}.{alias.name}" for alias in node.names]
        else:
            continue
        for candidate in candidates:
            while candidate and candidate not in modules:
                candidate = candidate.rpartition(".")[0]
            if candidate and candidate != name:
                targets.add(candidate)
    return targets


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    done: set[str] = set()
    for start in sorted(graph):
        stack, on_path = [(start, iter(sorted(graph[start])))], [start]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                on_path.pop()
                done.add(node)
            elif child in on_path:
                return on_path[on_path.index(child):] + [child]
            elif child not in done:
                stack.append((child, iter(sorted(graph[child]))))
                on_path.append(child)
    return None


def test_it_finds_a_cycle_through_a_function_level_import(tmp_path):
    graph = {"a.tasks": {"a.services"}, "a.services": {"a.models"}, "a.models": set()}
    assert find_cycle(graph) is None
    graph["a.services"].add("a.tasks")
    assert find_cycle(graph) == ["a.services", "a.tasks", "a.services"]


def test_it_sees_imports_inside_functions():
    graph = import_graph()
    assert "replies.outbox.sending" in graph["replies.outbox.tasks"]  # imported in the task body
    assert "replies.outbox.tasks" in graph["replies.outbox.deliveries"]


def test_it_has_no_import_cycle_among_our_modules():
    assert find_cycle(import_graph()) is None


def test_it_has_dependencies_pointing_one_way():
    wrong = [
        f"{name} imports {target}"
        for name, targets in import_graph().items()
        for target in targets
        if name.split(".")[0] in LAYERS
        and target.split(".")[0] in LAYERS
        and LAYERS[target.split(".")[0]] > LAYERS[name.split(".")[0]]
    ]
    assert wrong == []


def test_it_keeps_the_inquiries_and_library_apps_free_of_replies():
    """Pages combining apps are assembled in templates/desk/; the apps below replies never name it."""
    named = [
        str(path.relative_to(ROOT))
        for app in ("inquiries", "library")
        for path in (ROOT / app).rglob("*")
        if path.suffix in (".py", ".html")
        and "migrations" not in path.parts
        and re.search(r"\breplies[./:]|deliveries[_:]", path.read_text(encoding="utf-8"))
    ]
    assert named == []
