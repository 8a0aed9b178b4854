"""Exports a trained LlamaForCausalLM to the ONNX Runtime GenAI layout, the way the GenAI model builder
lays out a CPU model of the Llama family:

  input_ids [batch, seq] int64, attention_mask [batch, total] int64,
  past_key_values.%d.key|value [batch, kv_heads, past, head] -> logits [batch, seq, vocab],
  present.%d.key|value [batch, kv_heads, total, head]

Attention is com.microsoft.GroupQueryAttention with rotary inside (cos/sin caches), whose seqlens_k and
total_sequence_length come from the attention mask inside the graph, so the same file works with a growing
past and with past_present_share_buffer (one max-length buffer updated in place). Norms are
SimplifiedLayerNormalization / com.microsoft.SkipSimplifiedLayerNormalization; the MLP is SwiGLU.
Every MatMul is then quantized to INT4 MatMulNBits with onnxruntime's quantizer.
"""
from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from llama_model import LlamaForCausalLM

OPSET = [helper.make_opsetid("", 21), helper.make_opsetid("com.microsoft", 1)]


class _Graph:
    def __init__(self):
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []

    def init(self, name: str, array: np.ndarray) -> str:
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def node(self, op: str, inputs: list[str], outputs: list[str], name: str, domain: str = "", **attrs) -> list[str]:
        self.nodes.append(helper.make_node(op, inputs, outputs, name=name, domain=domain, **attrs))
        return outputs


def build_decoder(model: LlamaForCausalLM, context_length: int, kv_dtype=np.float32) -> onnx.ModelProto:
    cfg = model.cfg
    sd = {k: v.detach().float().cpu().numpy() for k, v in model.state_dict().items()}
    g = _Graph()
    kv_elem = TensorProto.FLOAT if kv_dtype == np.float32 else TensorProto.FLOAT16
    hd, heads, kv_heads = cfg.head_dim, cfg.num_attention_heads, cfg.num_key_value_heads

    inputs = [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch_size", "sequence_length"]),
              helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch_size", "total_sequence_length"])]
    outputs = [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch_size", "sequence_length", cfg.vocab_size])]
    for i in range(cfg.num_hidden_layers):
        for kind in ("key", "value"):
            inputs.append(helper.make_tensor_value_info(f"past_key_values.{i}.{kind}", kv_elem,
                                                        ["batch_size", kv_heads, "past_sequence_length", hd]))
            outputs.append(helper.make_tensor_value_info(f"present.{i}.{kind}", kv_elem,
                                                         ["batch_size", kv_heads, "total_sequence_length", hd]))

    # seqlens_k = sum(mask) - 1 and total_sequence_length = mask.shape[1], as the builder computes them
    g.init("/model/constants/one_i64", np.array(1, np.int64))
    g.init("/model/constants/axes_1", np.array([1], np.int64))
    g.node("ReduceSum", ["attention_mask", "/model/constants/axes_1"], ["/model/attn_mask/sum"], "/model/attn_mask/ReduceSum", keepdims=0)
    g.node("Sub", ["/model/attn_mask/sum", "/model/constants/one_i64"], ["/model/attn_mask/seqlens_i64"], "/model/attn_mask/Sub")
    g.node("Cast", ["/model/attn_mask/seqlens_i64"], ["seqlens_k"], "/model/attn_mask/Cast_seqlens", to=TensorProto.INT32)
    g.node("Shape", ["attention_mask"], ["/model/attn_mask/shape"], "/model/attn_mask/Shape")
    g.node("Gather", ["/model/attn_mask/shape", "/model/constants/one_i64"], ["/model/attn_mask/total_i64"], "/model/attn_mask/Gather", axis=0)
    g.node("Cast", ["/model/attn_mask/total_i64"], ["total_seq_len"], "/model/attn_mask/Cast_total", to=TensorProto.INT32)

    inv = 1.0 / (cfg.rope_theta ** (np.arange(0, hd, 2, dtype=np.float64) / hd))
    freqs = np.outer(np.arange(context_length, dtype=np.float64), inv)
    g.init("cos_cache", np.cos(freqs).astype(kv_dtype))
    g.init("sin_cache", np.sin(freqs).astype(kv_dtype))

    g.init("model.embed_tokens.weight", sd["embed_tokens.weight"])
    g.node("Gather", ["model.embed_tokens.weight", "input_ids"], ["/model/embed_tokens/output"], "/model/embed_tokens/Gather")

    def matmul(x: str, weight_key: str, name: str) -> str:
        w = g.init(f"model.{weight_key}.T", sd[weight_key].T)
        return g.node("MatMul", [x, w], [f"{name}/output"], f"{name}/MatMul")[0]

    eps = cfg.rms_norm_eps
    residual = "/model/embed_tokens/output"
    pending = None  # output of the previous block, added to the residual by the next Skip norm
    for i in range(cfg.num_hidden_layers):
        p = f"/model/layers.{i}"
        ln = g.init(f"model.layers.{i}.input_layernorm.weight", sd[f"layers.{i}.input_layernorm.weight"])
        if pending is None:
            h = g.node("SimplifiedLayerNormalization", [residual, ln], [f"{p}/input_layernorm/output"],
                       f"{p}/input_layernorm/LayerNorm", axis=-1, epsilon=eps, stash_type=1)[0]
        else:
            h, _, _, residual = g.node("SkipSimplifiedLayerNormalization", [pending, residual, ln],
                                       [f"{p}/input_layernorm/output", "", "", f"{p}/input_layernorm/residual"],
                                       f"{p}/input_layernorm/SkipLayerNorm", domain="com.microsoft", epsilon=eps)
        q = matmul(h, f"layers.{i}.self_attn.q_proj.weight", f"{p}/attn/q_proj")
        k = matmul(h, f"layers.{i}.self_attn.k_proj.weight", f"{p}/attn/k_proj")
        v = matmul(h, f"layers.{i}.self_attn.v_proj.weight", f"{p}/attn/v_proj")
        if kv_dtype != np.float32:
            q, k, v = (g.node("Cast", [t], [f"{t}_fp16"], f"{t}_Cast", to=TensorProto.FLOAT16)[0] for t in (q, k, v))
        attn = g.node("GroupQueryAttention",
                      [q, k, v, f"past_key_values.{i}.key", f"past_key_values.{i}.value", "seqlens_k", "total_seq_len",
                       "cos_cache", "sin_cache"],
                      [f"{p}/attn/GroupQueryAttention/output", f"present.{i}.key", f"present.{i}.value"],
                      f"{p}/attn/GroupQueryAttention", domain="com.microsoft",
                      num_heads=heads, kv_num_heads=kv_heads, do_rotary=1, rotary_interleaved=0,
                      scale=float(1.0 / np.sqrt(hd)), local_window_size=-1)[0]
        if kv_dtype != np.float32:
            attn = g.node("Cast", [attn], [f"{attn}_fp32"], f"{p}/attn/Cast_out", to=TensorProto.FLOAT)[0]
        o = matmul(attn, f"layers.{i}.self_attn.o_proj.weight", f"{p}/attn/o_proj")
        post = g.init(f"model.layers.{i}.post_attention_layernorm.weight", sd[f"layers.{i}.post_attention_layernorm.weight"])
        h2, _, _, residual = g.node("SkipSimplifiedLayerNormalization", [o, residual, post],
                                    [f"{p}/post_attention_layernorm/output", "", "", f"{p}/post_attention_layernorm/residual"],
                                    f"{p}/post_attention_layernorm/SkipLayerNorm", domain="com.microsoft", epsilon=eps)
        gate = matmul(h2, f"layers.{i}.mlp.gate_proj.weight", f"{p}/mlp/gate_proj")
        up = matmul(h2, f"layers.{i}.mlp.up_proj.weight", f"{p}/mlp/up_proj")
        sig = g.node("Sigmoid", [gate], [f"{p}/mlp/act/sigmoid"], f"{p}/mlp/act/Sigmoid")[0]
        silu = g.node("Mul", [gate, sig], [f"{p}/mlp/act/silu"], f"{p}/mlp/act/Mul")[0]
        prod = g.node("Mul", [silu, up], [f"{p}/mlp/gated"], f"{p}/mlp/Mul")[0]
        pending = matmul(prod, f"layers.{i}.mlp.down_proj.weight", f"{p}/mlp/down_proj")

    final_ln = g.init("model.norm.weight", sd["norm.weight"])
    normed = g.node("SkipSimplifiedLayerNormalization", [pending, residual, final_ln],
                    ["/model/norm/output", "", "", ""], "/model/norm/SkipLayerNorm", domain="com.microsoft", epsilon=eps)[0]
    w = g.init("lm_head.weight.T", sd["lm_head.weight"].T)
    g.node("MatMul", [normed, w], ["logits"], "/lm_head/MatMul")

    graph = helper.make_graph(g.nodes, "main_graph", inputs, outputs, initializer=g.inits)
    m = helper.make_model(graph, opset_imports=OPSET, producer_name="edgellm-distill")
    m.ir_version = 10
    return m


def save_fp32(model: onnx.ModelProto, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save_model(model, str(path))


def quantize_int4(fp32_path: Path, out_path: Path, block_size: int = 32, accuracy_level: int = 4,
                  external_data: bool = False) -> None:
    """Every MatMul with a constant weight becomes com.microsoft.MatMulNBits (4 bits, asymmetric blocks)."""
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

    quant = MatMulNBitsQuantizer(onnx.load(str(fp32_path)), bits=4, block_size=block_size, is_symmetric=False,
                                 accuracy_level=accuracy_level)
    logging.getLogger("onnxruntime.quantization").setLevel(logging.WARNING)
    quant.process()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    proto = quant.model.model
    if external_data:
        onnx.save_model(proto, str(out_path), save_as_external_data=True, all_tensors_to_one_file=True,
                        location=out_path.name + ".data", size_threshold=1024)
        (out_path.parent / (out_path.name + ".data")).chmod(0o644)  # onnx writes it 0600
    else:
        onnx.save_model(proto, str(out_path))


def count_ops(path: Path) -> dict[str, int]:
    m = onnx.load(str(path), load_external_data=False)
    counts: dict[str, int] = {}
    for n in m.graph.node:
        key = n.op_type if not n.domain else f"{n.domain}.{n.op_type}"
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


def write_genai_config(out: Path, model: LlamaForCausalLM, ids: dict, context_length: int, filename: str = "model.onnx") -> dict:
    cfg = model.cfg
    eos = [ids["<|im_end|>"], ids["<|endoftext|>"]]
    config = {
        "model": {
            "bos_token_id": ids["<|endoftext|>"],
            "context_length": context_length,
            "decoder": {
                "session_options": {"log_id": "onnxruntime-genai", "provider_options": []},
                "filename": filename,
                "head_size": cfg.head_dim,
                "hidden_size": cfg.hidden_size,
                "inputs": {
                    "input_ids": "input_ids",
                    "attention_mask": "attention_mask",
                    "past_key_names": "past_key_values.%d.key",
                    "past_value_names": "past_key_values.%d.value",
                },
                "outputs": {
                    "logits": "logits",
                    "present_key_names": "present.%d.key",
                    "present_value_names": "present.%d.value",
                },
                "num_attention_heads": cfg.num_attention_heads,
                "num_hidden_layers": cfg.num_hidden_layers,
                "num_key_value_heads": cfg.num_key_value_heads,
            },
            "eos_token_id": eos,
            "pad_token_id": ids["<|endoftext|>"],
            "type": "llama",
            "vocab_size": cfg.vocab_size,
        },
        "search": {
            "diversity_penalty": 0.0, "do_sample": False, "early_stopping": True, "length_penalty": 1.0,
            "max_length": context_length, "min_length": 0, "no_repeat_ngram_size": 0, "num_beams": 1,
            "num_return_sequences": 1, "past_present_share_buffer": True, "repetition_penalty": 1.0,
            "temperature": 1.0, "top_k": 50, "top_p": 1.0,
        },
    }
    (out / "genai_config.json").write_text(json.dumps(config, indent=4) + "\n")
    return config


def write_hf_configs(out: Path, model: LlamaForCausalLM, ids: dict, kv_dtype: str) -> None:
    """config.json / generation_config.json as transformers writes them, so other runtimes
    (transformers.js in `edgellm bench --compare-peer`) can open the same directory."""
    cfg = model.cfg
    eos = [ids["<|im_end|>"], ids["<|endoftext|>"]]
    hf = {
        "architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": cfg.vocab_size,
        "hidden_size": cfg.hidden_size, "intermediate_size": cfg.intermediate_size,
        "num_hidden_layers": cfg.num_hidden_layers, "num_attention_heads": cfg.num_attention_heads,
        "num_key_value_heads": cfg.num_key_value_heads, "head_dim": cfg.head_dim,
        "max_position_embeddings": cfg.max_position_embeddings, "rms_norm_eps": cfg.rms_norm_eps,
        "rope_theta": cfg.rope_theta, "hidden_act": "silu", "tie_word_embeddings": False,
        "attention_bias": False, "mlp_bias": False,
        "bos_token_id": ids["<|endoftext|>"], "eos_token_id": eos, "pad_token_id": ids["<|endoftext|>"],
        "torch_dtype": "float32", "transformers.js_config": {"kv_cache_dtype": kv_dtype},
    }
    (out / "config.json").write_text(json.dumps(hf, indent=2) + "\n")
    gen = {"bos_token_id": ids["<|endoftext|>"], "eos_token_id": eos, "pad_token_id": ids["<|endoftext|>"], "do_sample": False}
    (out / "generation_config.json").write_text(json.dumps(gen, indent=2) + "\n")
