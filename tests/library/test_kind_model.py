import hashlib
import subprocess
import sys
from pathlib import Path

from library.kind_model import MODEL_PATH, kind_model
from library.models import Section
from library.training.phrasebook import PHRASEBOOK

ROOT = Path(__file__).resolve().parents[2]
NO_NETWORK = """
import socket
def refuse(*args, **kwargs):
    raise OSError("network used")
socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from library.kind_model import kind_model
print(kind_model().ranked("Is there anything that could help her?")[0][0])
"""


def test_it_loads_and_answers_with_the_network_blocked():
    done = subprocess.run([sys.executable, "-c", NO_NETWORK], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "HF_HUB_OFFLINE": "0"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "treatment"


def test_it_is_loaded_once_per_process():
    assert kind_model() is kind_model()


def test_it_ships_small_and_knows_only_section_kinds():
    assert MODEL_PATH.stat().st_size < 200_000
    assert set(kind_model().classes) <= set(Section.Kind.values) - {"other"}


def test_it_was_trained_on_the_phrasebook_as_it_is():
    # Change the phrasebook, then run library/training/train_kinds.py: the shipped model follows it.
    assert kind_model().meta["phrasebook_sha256"] == hashlib.sha256(PHRASEBOOK.read_bytes()).hexdigest()
