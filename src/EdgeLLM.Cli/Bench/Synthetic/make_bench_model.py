#!/usr/bin/python3
"""Writes a bench model with random weights at a real model's shape, in the ONNX Runtime GenAI layout.

The graph is what the GenAI builder writes for a CPU INT4 decoder: packed QKV MatMulNBits (plus the QKV bias for
Qwen2), GroupQueryAttention with a shared past/present buffer and rotary embedding inside, SimplifiedLayerNorm and
SkipSimplifiedLayerNorm, SiLU-gated MLP, every MatMul a com.microsoft.MatMulNBits (4 bits, block 32, asymmetric with
zero points, accuracy_level 4) and, as for tied embeddings, the LM head's int4 weight gathered by
GatherBlockQuantized for the embedding (one copy of the table). The tokenizer is a byte-level BPE of exactly the
vocabulary size, so prompts are text.

Weights are random (seeded): speed and memory are real, the text is not. Tensors go to model.onnx_data one at a
time, so memory stays at one layer's size. Needs Debian's python3-onnx and python3-numpy only.

usage: make_bench_model.py SPEC_JSON OUT_DIR
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

BLOCK = 32
MS = "com.microsoft"


class Writer:
    """Appends raw tensors to the external data file and returns initializers that point at them."""

    def __init__(self, path):
        self.path = path
        self.file = open(path, "wb")
        self.offset = 0

    def add(self, name, array, dtype):
        data = np.ascontiguousarray(array).tobytes()
        pad = (-self.offset) % 4096  # page-aligned: ONNX Runtime can map the file instead of reading it
        if pad:
            self.file.write(b"\0" * pad)
            self.offset += pad
        self.file.write(data)
        t = TensorProto(name=name, data_type=dtype, dims=list(array.shape))
        t.data_location = TensorProto.EXTERNAL
        for k, v in (("location", os.path.basename(self.path)), ("offset", str(self.offset)), ("length", str(len(data)))):
            e = t.external_data.add()
            e.key, e.value = k, v
        self.offset += len(data)
        return t

    def close(self):
        self.file.close()


def quantized(rng, writer, name, n, k):
    """Random int4 weight of a [k -> n] projection in MatMulNBits' layout; scales keep activations near unit size."""
    blocks = k // BLOCK
    q = rng.integers(0, 256, size=(n, blocks, BLOCK // 2), dtype=np.uint8)
    scale = np.float32(1.0 / (4.6 * np.sqrt(k)))  # 4.6: std of (uniform int4 - zero point)
    scales = (rng.random((n, blocks), dtype=np.float32) * 0.5 + 0.75) * scale
    zp = np.full((n, (blocks + 1) // 2), 0x88, dtype=np.uint8)  # zero point 8 in both nibbles
    return [writer.add(name + ".weight.T_Q4", q, TensorProto.UINT8),
            writer.add(name + ".weight.T_scales", scales, TensorProto.FLOAT),
            writer.add(name + ".weight.T_zero_points", zp, TensorProto.UINT8)]


def matmul(nodes, inits, rng, writer, name, x, out, n, k):
    inits += quantized(rng, writer, name, n, k)
    nodes.append(helper.make_node("MatMulNBits", [x, name + ".weight.T_Q4", name + ".weight.T_scales", name + ".weight.T_zero_points"],
                                  [out], name=name.replace("model.", "/model/") + "/MatMul", domain=MS,
                                  K=k, N=n, bits=4, block_size=BLOCK, accuracy_level=4))


def build_graph(spec, writer, rng):
    d, layers, heads, kv, hs = spec["hidden"], spec["layers"], spec["heads"], spec["kv_heads"], spec["head"]
    mlp, vocab, ctx, eps = spec["mlp"], spec["vocab"], spec["context"], spec.get("eps", 1e-6)
    nodes, inits = [], []
    i64 = lambda name, v: inits.append(helper.make_tensor(name, TensorProto.INT64, [len(v)], v))
    i64("/model/constants/one", [1])
    i64("/model/embed_tokens/shape", [vocab, d // 2])
    nodes += [
        helper.make_node("ReduceSum", ["attention_mask", "/model/constants/one"], ["/model/attn_mask/sum"], keepdims=0),
        helper.make_node("Sub", ["/model/attn_mask/sum", "/model/constants/one"], ["/model/attn_mask/seqlens_i64"]),
        helper.make_node("Cast", ["/model/attn_mask/seqlens_i64"], ["seqlens_k"], to=TensorProto.INT32),
        helper.make_node("Shape", ["attention_mask"], ["/model/attn_mask/shape"]),
        helper.make_node("Gather", ["/model/attn_mask/shape", "/model/constants/one"], ["/model/attn_mask/total_i64"], axis=0),
        helper.make_node("Cast", ["/model/attn_mask/total_i64"], ["total_seq_len"], to=TensorProto.INT32),
    ]
    # Rotary caches [context, head/2], as the builder precomputes them.
    inv = 1.0 / (spec.get("rope_theta", 10000.0) ** (np.arange(0, hs, 2, dtype=np.float64) / hs))
    angles = np.outer(np.arange(ctx, dtype=np.float64), inv)
    inits += [writer.add("cos_cache", np.cos(angles).astype(np.float32), TensorProto.FLOAT),
              writer.add("sin_cache", np.sin(angles).astype(np.float32), TensorProto.FLOAT)]
    del angles
    # Tied embeddings: the LM head's int4 weight, gathered row-wise for the embedding (same bytes, reshaped).
    inits += quantized(rng, writer, "lm_head", vocab, d)
    nodes += [
        helper.make_node("Reshape", ["lm_head.weight.T_Q4", "/model/embed_tokens/shape"], ["/model/embed_tokens/qweight"]),
        helper.make_node("GatherBlockQuantized", ["/model/embed_tokens/qweight", "input_ids", "lm_head.weight.T_scales", "lm_head.weight.T_zero_points"],
                         ["/model/embed_tokens/output"], name="/model/embed_tokens/GatherBlockQuantized", domain=MS,
                         bits=4, block_size=BLOCK, gather_axis=0, quantize_axis=1),
    ]
    ones = lambda name: inits.append(writer.add(name, (1.0 + 0.02 * rng.standard_normal(d)).astype(np.float32), TensorProto.FLOAT))
    residual = "/model/embed_tokens/output"
    ones("model.layers.0.input_layernorm.weight")
    nodes.append(helper.make_node("SimplifiedLayerNormalization", [residual, "model.layers.0.input_layernorm.weight"],
                                  ["/model/layers.0/input_layernorm/output"], axis=-1, epsilon=eps, stash_type=1))
    normed = "/model/layers.0/input_layernorm/output"
    for l in range(layers):
        p, P = f"model.layers.{l}", f"/model/layers.{l}"
        qkv = (heads + 2 * kv) * hs
        matmul(nodes, inits, rng, writer, f"{p}.attn.qkv_proj", normed, f"{P}/attn/qkv_proj/output", qkv, d)
        attn_in = f"{P}/attn/qkv_proj/output"
        if spec.get("qkv_bias"):
            inits.append(writer.add(f"{p}.attn.qkv_proj.bias", (0.02 * rng.standard_normal(qkv)).astype(np.float32), TensorProto.FLOAT))
            nodes.append(helper.make_node("Add", [attn_in, f"{p}.attn.qkv_proj.bias"], [f"{P}/attn/qkv_proj/Add/output"]))
            attn_in = f"{P}/attn/qkv_proj/Add/output"
        nodes.append(helper.make_node("GroupQueryAttention", [attn_in, "", "", f"past_key_values.{l}.key", f"past_key_values.{l}.value",
                                                              "seqlens_k", "total_seq_len", "cos_cache", "sin_cache"],
                                      [f"{P}/attn/GroupQueryAttention/output", f"present.{l}.key", f"present.{l}.value"],
                                      name=f"{P}/attn/GroupQueryAttention", domain=MS, num_heads=heads, kv_num_heads=kv,
                                      scale=float(1.0 / np.sqrt(hs)), do_rotary=1, rotary_interleaved=0, local_window_size=-1))
        matmul(nodes, inits, rng, writer, f"{p}.attn.o_proj", f"{P}/attn/GroupQueryAttention/output", f"{P}/attn/o_proj/output", d, heads * hs)
        ones(f"{p}.post_attention_layernorm.weight")
        nodes.append(helper.make_node("SkipSimplifiedLayerNormalization", [f"{P}/attn/o_proj/output", residual, f"{p}.post_attention_layernorm.weight"],
                                      [f"{P}/post_attention_layernorm/output", "", "", f"{P}/post_attention_layernorm/residual"], domain=MS, epsilon=eps))
        residual = f"{P}/post_attention_layernorm/residual"
        x = f"{P}/post_attention_layernorm/output"
        matmul(nodes, inits, rng, writer, f"{p}.mlp.gate_proj", x, f"{P}/mlp/gate_proj/output", mlp, d)
        matmul(nodes, inits, rng, writer, f"{p}.mlp.up_proj", x, f"{P}/mlp/up_proj/output", mlp, d)
        nodes += [
            helper.make_node("Sigmoid", [f"{P}/mlp/gate_proj/output"], [f"{P}/mlp/act/sigmoid"]),
            helper.make_node("Mul", [f"{P}/mlp/gate_proj/output", f"{P}/mlp/act/sigmoid"], [f"{P}/mlp/act/silu"]),
            helper.make_node("Mul", [f"{P}/mlp/act/silu", f"{P}/mlp/up_proj/output"], [f"{P}/mlp/gated"]),
        ]
        matmul(nodes, inits, rng, writer, f"{p}.mlp.down_proj", f"{P}/mlp/gated", f"{P}/mlp/down_proj/output", d, mlp)
        last = l == layers - 1
        norm = "model.norm.weight" if last else f"model.layers.{l + 1}.input_layernorm.weight"
        ones(norm)
        out = "/model/norm/output" if last else f"/model/layers.{l + 1}/input_layernorm/output"
        nodes.append(helper.make_node("SkipSimplifiedLayerNormalization", [f"{P}/mlp/down_proj/output", residual, norm],
                                      [out, "", "", "" if last else f"/model/layers.{l + 1}/input_layernorm/residual"], domain=MS, epsilon=eps))
        residual, normed = f"/model/layers.{l + 1}/input_layernorm/residual", out
    nodes.append(helper.make_node("MatMulNBits", ["/model/norm/output", "lm_head.weight.T_Q4", "lm_head.weight.T_scales", "lm_head.weight.T_zero_points"],
                                  ["logits"], name="/lm_head/MatMul", domain=MS, K=d, N=vocab, bits=4, block_size=BLOCK, accuracy_level=4))

    kv_shape = ["batch_size", kv, "past_sequence_length", hs]
    inputs = [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch_size", "sequence_length"]),
              helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch_size", "total_sequence_length"])]
    outputs = [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch_size", "sequence_length", vocab])]
    for l in range(layers):
        for kind in ("key", "value"):
            inputs.append(helper.make_tensor_value_info(f"past_key_values.{l}.{kind}", TensorProto.FLOAT, kv_shape))
            outputs.append(helper.make_tensor_value_info(f"present.{l}.{kind}", TensorProto.FLOAT, ["batch_size", kv, "total_sequence_length", hs]))
    graph = helper.make_graph(nodes, "main_graph", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21), helper.make_opsetid(MS, 1)], producer_name="edgellm-bench-model")
    model.ir_version = 10
    return model


def byte_chars():
    """GPT-2's byte-to-unicode table: every byte as a printable character."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return [chr(c) for _, c in sorted(zip(bs, cs))]


def tokenizer(spec):
    """Byte-level BPE with exactly vocab ids: specials, the 256 bytes, then merges of lowercase letters and the space
    (Ġ) into ever longer pieces, so English text becomes a few characters per token as with a real vocabulary."""
    specials = spec["specials"]
    chars = byte_chars()
    vocab = {}
    for s in specials:
        vocab[s] = len(vocab)
    for c in chars:
        vocab[c] = len(vocab)
    alphabet = ["Ġ"] + [chr(c) for c in range(ord("a"), ord("z") + 1)]
    merges = []
    level = alphabet
    while len(vocab) < spec["vocab"]:
        longer = []
        for piece in level:
            for c in alphabet:
                if len(vocab) >= spec["vocab"]:
                    break
                token = piece + c
                if token in vocab or (c == "Ġ" and piece != "Ġ"):
                    continue
                vocab[token] = len(vocab)
                merges.append(f"{piece} {c}")
                longer.append(token)
        level = longer
    added = [{"id": vocab[s], "content": s, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}
             for s in specials]
    split = ("(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+")
    return {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added, "normalizer": {"type": "NFC"},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": split}, "behavior": "Isolated", "invert": False},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}]},
        "post_processor": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False},
        "decoder": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None, "end_of_word_suffix": None,
                  "fuse_unk": False, "byte_fallback": False, "ignore_merges": False, "vocab": vocab, "merges": merges},
    }


def genai_config(spec):
    ids = {s: i for i, s in enumerate(spec["specials"])}
    eos = [ids[s] for s in spec["eos"]]
    return {
        "model": {"type": spec["type"], "bos_token_id": ids[spec["bos"]], "eos_token_id": eos, "pad_token_id": eos[-1],
                  "context_length": spec["context"], "vocab_size": spec["vocab"],
                  "decoder": {"filename": "model.onnx", "head_size": spec["head"], "hidden_size": spec["hidden"],
                              "num_attention_heads": spec["heads"], "num_key_value_heads": spec["kv_heads"],
                              "num_hidden_layers": spec["layers"],
                              "session_options": {"log_id": "onnxruntime-genai", "provider_options": []},
                              "inputs": {"input_ids": "input_ids", "attention_mask": "attention_mask",
                                         "past_key_names": "past_key_values.%d.key", "past_value_names": "past_key_values.%d.value"},
                              "outputs": {"logits": "logits", "present_key_names": "present.%d.key",
                                          "present_value_names": "present.%d.value"}}},
        "search": {"diversity_penalty": 0.0, "do_sample": False, "early_stopping": True, "length_penalty": 1.0,
                   "max_length": spec["max_length"], "min_length": 0, "no_repeat_ngram_size": 0, "num_beams": 1,
                   "num_return_sequences": 1, "past_present_share_buffer": True, "repetition_penalty": 1.0,
                   "temperature": 1.0, "top_k": 50, "top_p": 1.0},
    }


def main():
    spec = json.loads(sys.argv[1])
    out = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(spec["seed"])
    # model.onnx_data, not the builder's model.onnx.data: transformers.js (a peer) hands ONNX Runtime the external data
    # under that one name, and the graph's locations must match it; EdgeLLM and GenAI read whatever the graph names.
    writer = Writer(os.path.join(out, "model.onnx_data"))
    model = build_graph(spec, writer, rng)
    writer.close()
    onnx.save_model(model, os.path.join(out, "model.onnx"))
    with open(os.path.join(out, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer(spec), f, ensure_ascii=False)
    template = ("{%- for message in messages %}{{- '" + spec["specials"][1] + "' + message['role'] + '\\n' + message['content'] + '"
                + spec["specials"][2] + "' + '\\n' }}{%- endfor %}{%- if add_generation_prompt %}{{- '" + spec["specials"][1] + "assistant\\n' }}{%- endif %}")
    with open(os.path.join(out, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump({"add_bos_token": False, "add_eos_token": False, "bos_token": None, "eos_token": spec["eos"][0],
                   "pad_token": spec["eos"][-1], "chat_template": template, "model_max_length": spec["context"],
                   "clean_up_tokenization_spaces": False, "tokenizer_class": "PreTrainedTokenizerFast"}, f, indent=1)
    with open(os.path.join(out, "genai_config.json"), "w", encoding="utf-8") as f:
        json.dump(genai_config(spec), f, indent=4)
    # The Hugging Face config the builder copies beside the model: transformers.js (a peer) reads the shape from it.
    ids = {s: i for i, s in enumerate(spec["specials"])}
    hf = {"architectures": ["Qwen2ForCausalLM" if spec["type"] == "qwen2" else "LlamaForCausalLM"], "model_type": spec["type"],
          "hidden_size": spec["hidden"], "intermediate_size": spec["mlp"], "num_attention_heads": spec["heads"],
          "num_key_value_heads": spec["kv_heads"], "num_hidden_layers": spec["layers"], "head_dim": spec["head"],
          "vocab_size": spec["vocab"], "max_position_embeddings": spec["context"], "rms_norm_eps": spec.get("eps", 1e-6),
          "rope_theta": spec.get("rope_theta", 10000.0), "tie_word_embeddings": True, "hidden_act": "silu",
          "bos_token_id": ids[spec["bos"]], "eos_token_id": [ids[s] for s in spec["eos"]], "torch_dtype": "float32"}
    with open(os.path.join(out, "config.json"), "w", encoding="utf-8") as f:
        json.dump(hf, f, indent=2)
    with open(os.path.join(out, "generation_config.json"), "w", encoding="utf-8") as f:
        json.dump({"bos_token_id": hf["bos_token_id"], "eos_token_id": hf["eos_token_id"], "do_sample": False}, f, indent=2)


if __name__ == "__main__":
    main()
