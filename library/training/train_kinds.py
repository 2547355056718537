"""Train the kind model (library/kind_model.npz) from MedQuAD questions, the phrasebook and,
optionally, the center's corrections (manage.py export_kind_corrections). A development tool:

    .venv/bin/python library/training/train_kinds.py QUESTIONS.jsonl \
        [--corrections corrections.jsonl] [--output library/kind_model.npz]

QUESTIONS.jsonl is MedQuAD's labelled questions (CC BY 4.0; the README says where they come
from); they are development data and do not ship in the repository.

Seeded and deterministic: the same inputs give the same weights. One document in five of MedQuAD
is held out (by a hash of its id) for bench/suggest_quality.py and never trained on.
"""

import argparse
import hashlib
import json
import os
import re
import sys
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

SEED = 13
PHRASEBOOK_WEIGHT = 20.0  # one written phrasing stands for many ways of asking; MedQuAD has a few templates
CORRECTION_WEIGHT = 5.0
MAX_TERMS = 12000
# MedQuAD question types → the kinds a question asks for (not the kinds of section imported:
# there prevention, research ... are sections of their own, here they ask how to deal with it).
QTYPE_KINDS = {
    "information": "overview", "support groups": "overview", "how can i learn more": "overview",
    "symptoms": "symptoms", "complications": "symptoms",
    "causes": "cause", "genetic changes": "cause", "susceptibility": "cause",
    "inheritance": "inheritance", "frequency": "frequency", "exams and tests": "diagnosis",
    "treatment": "treatment", "prevention": "treatment", "research": "treatment",
    "outlook": "prognosis",
}


def is_held_out(document: str) -> bool:
    return zlib.crc32(document.encode()) % 5 == 0


def medquad_questions(path: Path) -> list[tuple[str, str, str]]:
    """(question without its disease's name, kind, document) for the question types we map."""
    rows = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            item = json.loads(line)
            kind = QTYPE_KINDS.get(item["qtype"])
            if kind is None:
                continue
            question, focus = item["question"], item.get("focus") or ""
            if focus:
                question = re.sub(re.escape(focus), " ", question, flags=re.IGNORECASE)
            document = f"{item['collection']}/{item.get('document') or focus}"
            rows.append((" ".join(question.split()), kind, document))
    return rows


def read_corrections(path: Path) -> list[tuple[str, str]]:
    with open(path, encoding="utf-8") as handle:
        return [(item["question"], item["kind"]) for item in map(json.loads, handle) if item.get("asked")]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def train(medquad: Path, corrections: Path | None, output: Path) -> dict:
    import django  # noqa: PLC0415 (the kinds are the library's: its models need settings)

    django.setup()
    import numpy as np  # noqa: PLC0415 (training tools: not needed to run the desk)
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415

    from library.kind_model import KindModel, embed, save, terms  # noqa: PLC0415
    from library.kinds import asked_part  # noqa: PLC0415
    from library.training.phrasebook import PHRASEBOOK, read_phrasebook  # noqa: PLC0415

    examples = [(q, k, 1.0) for q, k, doc in medquad_questions(medquad) if not is_held_out(doc)]
    examples += [(q, k, PHRASEBOOK_WEIGHT) for q, k in read_phrasebook()]
    if corrections:
        examples += [(q, k, CORRECTION_WEIGHT) for q, k in read_corrections(corrections)]
    texts = [asked_part(q) for q, _, _ in examples]
    labels = [k for _, k, _ in examples]
    weights = np.array([w for _, _, w in examples])
    vectorizer = TfidfVectorizer(analyzer=terms, sublinear_tf=True, max_features=MAX_TERMS, dtype=np.float32)
    features = np.hstack([vectorizer.fit_transform(texts).toarray(), embed(texts)])
    classifier = LogisticRegression(C=4.0, max_iter=3000, class_weight="balanced", random_state=SEED)
    classifier.fit(features, labels, sample_weight=weights)
    meta = {
        "seed": SEED, "examples": len(examples), "terms": len(vectorizer.vocabulary_),
        "medquad_sha256": sha256(medquad), "phrasebook_sha256": sha256(PHRASEBOOK),
        "corrections_sha256": sha256(corrections) if corrections else None,
        "credit": "MedQuAD (Ben Abacha and Demner-Fushman 2019, CC BY 4.0); WordLlama l2_supercat (MIT)",
    }
    model = KindModel(classes=tuple(classifier.classes_), vocabulary=dict(vectorizer.vocabulary_),
                      idf=vectorizer.idf_, coef=classifier.coef_, intercept=classifier.intercept_, meta=meta)
    save(output, model)
    return meta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("medquad", type=Path, help="medquad_questions.jsonl")
    parser.add_argument("--corrections", type=Path, help="JSON Lines from manage.py export_kind_corrections")
    parser.add_argument("--output", type=Path, default=Path(__file__).resolve().parents[1] / "kind_model.npz")
    args = parser.parse_args()
    meta = train(args.medquad, args.corrections, args.output)
    size = args.output.stat().st_size / 1024
    print(f"{args.output}: {size:.0f} KB, {meta['examples']} examples, {meta['terms']} terms")


if __name__ == "__main__":
    main()
