"""The trained model of what a question asks: word n-grams and WordLlama embeddings, then a
logistic regression over the kinds. Trained by library/training/train_kinds.py; the weights
ship beside this file (kind_model.npz) and are loaded once per process, without network.

WordLlama (MIT) ships its 16 MB embedding model inside its wheel; it is read from there.
"""

import functools
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).with_name("kind_model.npz")
_WORD_RE = re.compile(r"[a-z]+(?:'[a-z]+)?")


def terms(text: str) -> list[str]:
    """The word unigrams and bigrams the model counts (one definition for training and use)."""
    words = _WORD_RE.findall(text.lower())
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


@functools.cache
def embedder():
    """WordLlama from its own package folder; downloads disabled (nothing is fetched at run time)."""
    import wordllama  # noqa: PLC0415 (heavy: only when the model is used)

    return wordllama.WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)


def embed(texts: list[str]) -> np.ndarray:
    # A text without words has no direction: WordLlama divides by a zero norm (0 here).
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.nan_to_num(embedder().embed(texts, norm=True).astype(np.float32))


@functools.lru_cache(maxsize=4096)
def embedded(text: str) -> np.ndarray:
    """embed() of one text, kept: the composer compares the same question with the sent letters
    on every view. Read-only, as it is shared."""
    vector = embed([text])[0]
    vector.flags.writeable = False
    return vector


@dataclass(frozen=True)
class KindModel:
    classes: tuple[str, ...]
    vocabulary: dict[str, int]
    idf: np.ndarray
    coef: np.ndarray  # classes × (len(vocabulary) + embedding size)
    intercept: np.ndarray
    meta: dict

    def _tfidf(self, text: str) -> np.ndarray:
        counts: dict[int, int] = {}
        for term in terms(text):
            column = self.vocabulary.get(term)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        vector = np.zeros(len(self.vocabulary), dtype=np.float32)
        for column, count in counts.items():
            vector[column] = (1 + math.log(count)) * self.idf[column]
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """One row per text: the probability of each kind (columns in the order of `classes`)."""
        if not texts:
            return np.zeros((0, len(self.classes)), dtype=np.float32)
        features = np.hstack([np.vstack([self._tfidf(t) for t in texts]), embed(texts)])
        scores = features @ self.coef.T + self.intercept
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def ranked(self, text: str) -> list[tuple[str, float]]:
        """The kinds, likeliest first, with their probability."""
        row = self.probabilities([text])[0]
        return sorted(zip(self.classes, (float(p) for p in row), strict=True), key=lambda item: -item[1])


def save(path: Path, model: KindModel) -> None:
    vocabulary = sorted(model.vocabulary, key=model.vocabulary.get)
    np.savez_compressed(
        path, classes=np.array(model.classes), vocabulary=np.array(vocabulary), idf=model.idf.astype(np.float32),
        coef=model.coef.astype(np.float32), intercept=model.intercept.astype(np.float32),
        meta=np.array(json.dumps(model.meta, sort_keys=True)),
    )


def load(path: Path = MODEL_PATH) -> KindModel:
    with np.load(path, allow_pickle=False) as data:
        return KindModel(
            classes=tuple(str(c) for c in data["classes"]),
            vocabulary={str(term): i for i, term in enumerate(data["vocabulary"])},
            idf=data["idf"], coef=data["coef"], intercept=data["intercept"], meta=json.loads(str(data["meta"])),
        )


@functools.cache
def kind_model() -> KindModel:
    """The shipped model, read once per process (it never changes while the process runs)."""
    return load()
