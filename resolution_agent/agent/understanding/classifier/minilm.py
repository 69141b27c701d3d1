"""all-MiniLM-L6-v2's forward pass in numpy: the same vectors as sentence-transformers, no torch.

Why: torch, transformers and sentence-transformers cost ~290 MB of resident memory and about
three seconds of import in every agent process, to run a 6-layer, 384-wide BERT on a sentence of
twenty tokens, where torch's per-operator dispatch is most of the time. The model is a handful of
matrix products; numpy does them with the same float32 arithmetic, so the vectors agree with
sentence-transformers' to ~1e-6 (a test compares them) and every model trained on them stays
valid: the encoder's identity, the cache key of those models, is unchanged.

What it computes (``BertModel`` + mean pooling + L2 normalisation, as the model's
``modules.json`` lists): WordPiece ids from the model's own ``tokenizer.json`` (lower case,
``[CLS] ... [SEP]``, at most 256 tokens as ``sentence_bert_config.json`` says); word, position
and token-type embeddings and a LayerNorm; six layers of 12-head self-attention and an exact
(erf) GELU feed-forward, each with a residual and a LayerNorm; the mean of the token vectors
the attention mask keeps; unit length.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from scipy.special import erf

Floats = NDArray[np.float32]

_EPS = 1e-12
_HALF, _ONE, _SQRT_HALF = np.float32(0.5), np.float32(1.0), np.float32(np.sqrt(0.5))
_MAX_TOKENS = 256


@dataclass(frozen=True, slots=True)
class _Layer:
    qkv: Floats  # 384 x 1152, query | key | value, input-major (x @ qkv)
    qkv_bias: Floats
    out: Floats
    out_bias: Floats
    norm1: tuple[Floats, Floats]
    up: Floats
    up_bias: Floats
    down: Floats
    down_bias: Floats
    norm2: tuple[Floats, Floats]


class MiniLM:
    """Tokenizer and weights of one model folder; :meth:`encode` gives unit vectors."""

    def __init__(self, folder: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self._heads = int(config["num_attention_heads"])
        self._eps = float(config.get("layer_norm_eps", _EPS))
        self._max_tokens = min(_max_tokens(folder), int(config["max_position_embeddings"]))
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        tokenizer.no_padding()
        tokenizer.enable_truncation(self._max_tokens)
        self._tokenizer = tokenizer
        w = load_file(str(folder / "model.safetensors"))
        self._words = w["embeddings.word_embeddings.weight"]
        # Position and token type (always 0) are added to every input alike: summed once.
        self._positions = (
            w["embeddings.position_embeddings.weight"]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        self._norm = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self._layers = [
            _layer(w, f"encoder.layer.{n}.") for n in range(config["num_hidden_layers"])
        ]

    def token_ids(self, texts: list[str]) -> list[list[int]]:
        return [e.ids for e in self._tokenizer.encode_batch(texts)]

    def encode(self, texts: list[str], *, batch_size: int = 64) -> Floats:
        """Unit-length sentence vectors, one row per text (``len(texts) x 384``).

        Texts are batched by length so padding stays small; padding never changes a vector
        (masked out of attention and pooling), so the batching does not change the result.
        """
        ids = self.token_ids(texts)
        out = np.zeros((len(texts), self._words.shape[1]), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            out[rows] = self._forward([ids[i] for i in rows])
        return out

    def _forward(self, batch: list[list[int]]) -> Floats:
        width = max(len(row) for row in batch)
        ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.float32)
        for n, row in enumerate(batch):
            ids[n, : len(row)] = row
            mask[n, : len(row)] = 1.0
        embedded: Floats = self._words[ids] + self._positions[:width]
        x = _layer_norm(embedded, self._norm, self._eps)
        # Padded keys get a very negative score, so softmax gives them no weight.
        bias = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :]
        for layer in self._layers:
            x = self._block(x, layer, bias)
        pooled = (x * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)[:, None]
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), _EPS)
        return np.asarray(pooled / norms, dtype=np.float32)

    def _block(self, x: Floats, layer: _Layer, bias: Floats) -> Floats:
        batch, width, hidden = x.shape
        size = hidden // self._heads
        qkv = (x @ layer.qkv + layer.qkv_bias).reshape(batch, width, 3, self._heads, size)
        q, k, v = (qkv[:, :, i].transpose(0, 2, 1, 3) for i in range(3))
        scores = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(size)) + bias
        scores -= scores.max(axis=-1, keepdims=True)
        weights = np.exp(scores)
        weights /= weights.sum(axis=-1, keepdims=True)
        context = (weights @ v).transpose(0, 2, 1, 3).reshape(batch, width, hidden)
        x = _layer_norm(context @ layer.out + layer.out_bias + x, layer.norm1, self._eps)
        up = x @ layer.up + layer.up_bias
        # exact (erf) GELU; float32 all through (asarray only tells the type checker so)
        gelu = np.asarray(up * (erf(up * _SQRT_HALF) + _ONE) * _HALF, dtype=np.float32)
        return _layer_norm(gelu @ layer.down + layer.down_bias + x, layer.norm2, self._eps)


def _max_tokens(folder: Path) -> int:
    config = folder / "sentence_bert_config.json"
    if config.is_file():
        return int(json.loads(config.read_text(encoding="utf-8")).get("max_seq_length", 256))
    return _MAX_TOKENS


def _layer(w: dict[str, Floats], p: str) -> _Layer:
    """One encoder layer, its linear weights transposed once to input-major and contiguous."""

    def t(name: str) -> Floats:
        return np.ascontiguousarray(w[f"{p}{name}.weight"].T)

    attention = f"{p}attention.self."
    qkv = np.concatenate([w[f"{attention}{n}.weight"].T for n in ("query", "key", "value")], 1)
    return _Layer(
        qkv=np.ascontiguousarray(qkv),
        qkv_bias=np.concatenate([w[f"{attention}{n}.bias"] for n in ("query", "key", "value")]),
        out=t("attention.output.dense"),
        out_bias=w[f"{p}attention.output.dense.bias"],
        norm1=(
            w[f"{p}attention.output.LayerNorm.weight"],
            w[f"{p}attention.output.LayerNorm.bias"],
        ),
        up=t("intermediate.dense"),
        up_bias=w[f"{p}intermediate.dense.bias"],
        down=t("output.dense"),
        down_bias=w[f"{p}output.dense.bias"],
        norm2=(w[f"{p}output.LayerNorm.weight"], w[f"{p}output.LayerNorm.bias"]),
    )


def _layer_norm(x: Floats, norm: tuple[Floats, Floats], eps: float) -> Floats:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(axis=-1, keepdims=True)
    result: Floats = centred / np.sqrt(variance + np.float32(eps)) * norm[0] + norm[1]
    return result
