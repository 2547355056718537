"""The GARD disease list shipped by the `gard` package (names, synonyms, categories); no network."""

import functools
import json
from importlib.resources import files
from pathlib import Path


def gard_diseases(path: Path | None = None) -> list[dict]:
    """The diseases of the `gard` package (or of a file in its format)."""
    source = path or files("gard").joinpath("diseases.trimmed.json")
    with open(source, encoding="utf-8") as handle:
        return json.load(handle)


@functools.cache
def _by_id() -> dict[int, dict]:
    return {disease["id"]: disease for disease in gard_diseases()}


def gard_names(gard_id: int) -> list[str]:
    """The name and synonyms GARD lists for this id (none when it lists no such id)."""
    disease = _by_id().get(gard_id)
    return [disease["name"], *disease.get("synonyms", [])] if disease else []
