#!/usr/bin/env python3
"""Makes the small ONNX graphs that EdgeLLM.Onnx's tests run, and the reference outputs ONNX Runtime
(Python, 1.30) gives for them. Needs numpy, onnx and onnxruntime; runs on the GPU machine through the
`device` tool (nothing here needs a GPU) and its output is committed next to this script.

    python3 make_test_graphs.py OUT_DIR
"""
import json
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = [helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
rng = np.random.default_rng(20261122)


def save(model: onnx.ModelProto, out: Path, name: str) -> Path:
    onnx.checker.check_model(model, full_check=False)
    path = out / f"{name}.onnx"
    onnx.save(model, str(path))
    return path


def make_model(graph, opset=OPSET):
    m = helper.make_model(graph, opset_imports=opset, producer_name="edgellm-test-graphs")
    m.ir_version = 9
    return m


def add_graph(out: Path):
    a = helper.make_tensor_value_info("a", TensorProto.FLOAT, ["n", 3])
    b = helper.make_tensor_value_info("b", TensorProto.FLOAT, ["n", 3])
    c = helper.make_tensor_value_info("sum", TensorProto.FLOAT, ["n", 3])
    g = helper.make_graph([helper.make_node("Add", ["a", "b"], ["sum"])], "add", [a, b], [c])
    save(make_model(g, [helper.make_opsetid("", 17)]), out, "add")


def matmul_graph(out: Path):
    w = rng.standard_normal((4, 2)).astype(np.float32)
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 2])
    g = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"])], "matmul", [x], [y],
                          initializer=[numpy_helper.from_array(w, "w")])
    save(make_model(g, [helper.make_opsetid("", 17)]), out, "matmul")
    return {"w": w.tolist()}


def mixed_types_graph(out: Path):
    """One input and one output of every element type the binding must carry."""
    inputs = [
        helper.make_tensor_value_info("f32", TensorProto.FLOAT, [2, 2]),
        helper.make_tensor_value_info("f16", TensorProto.FLOAT16, [2, 2]),
        helper.make_tensor_value_info("i32", TensorProto.INT32, [2, 2]),
        helper.make_tensor_value_info("i64", TensorProto.INT64, ["b", "s"]),
        helper.make_tensor_value_info("u8", TensorProto.UINT8, [4]),
        helper.make_tensor_value_info("flag", TensorProto.BOOL, [3]),
    ]
    outputs = [
        helper.make_tensor_value_info("f32_out", TensorProto.FLOAT, [2, 2]),
        helper.make_tensor_value_info("f16_out", TensorProto.FLOAT16, [2, 2]),
        helper.make_tensor_value_info("i32_out", TensorProto.INT32, [2, 2]),
        helper.make_tensor_value_info("i64_out", TensorProto.INT64, ["b", "s"]),
        helper.make_tensor_value_info("u8_out", TensorProto.UINT8, [4]),
        helper.make_tensor_value_info("flag_out", TensorProto.BOOL, [3]),
    ]
    consts = [
        numpy_helper.from_array(np.array(2.0, np.float32), "two_f32"),
        numpy_helper.from_array(np.array(1.5, np.float16), "c_f16"),
        numpy_helper.from_array(np.array(3, np.int32), "three_i32"),
        numpy_helper.from_array(np.array(2, np.int64), "two_i64"),
        numpy_helper.from_array(np.array(1, np.uint8), "one_u8"),
    ]
    nodes = [
        helper.make_node("Mul", ["f32", "two_f32"], ["f32_out"]),     # x * 2
        helper.make_node("Add", ["f16", "c_f16"], ["f16_out"]),       # x + 1.5
        helper.make_node("Add", ["i32", "three_i32"], ["i32_out"]),   # x + 3
        helper.make_node("Mul", ["i64", "two_i64"], ["i64_out"]),     # x * 2
        helper.make_node("Add", ["u8", "one_u8"], ["u8_out"]),        # x + 1 (wraps)
        helper.make_node("Not", ["flag"], ["flag_out"]),
    ]
    g = helper.make_graph(nodes, "mixed_types", inputs, outputs, initializer=consts)
    save(make_model(g, [helper.make_opsetid("", 17)]), out, "mixed_types")


def quantize_int4(w: np.ndarray, block: int):
    """Symmetric INT4 block quantization laid out as MatMulNBits expects: w is [K, N]."""
    k, n = w.shape
    blocks = k // block
    wt = w.T.reshape(n, blocks, block)                      # [N, blocks, block]
    scale = np.abs(wt).max(axis=2) / 7.0                    # [N, blocks]
    scale[scale == 0] = 1.0
    q = np.clip(np.round(wt / scale[..., None]), -8, 7).astype(np.int32) + 8   # 0..15, zero point 8
    packed = (q[..., 0::2] | (q[..., 1::2] << 4)).astype(np.uint8)            # [N, blocks, block/2]
    deq = ((q - 8) * scale[..., None]).reshape(n, k).T.astype(np.float32)      # [K, N]
    return packed, scale.astype(np.float32), deq


def matmulnbits_graph(out: Path):
    k, n, block = 64, 16, 32
    w = rng.standard_normal((k, n)).astype(np.float32)
    packed, scales, deq = quantize_int4(w, block)
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", "seq", k])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", "seq", n])
    node = helper.make_node("MatMulNBits", ["x", "w_q", "w_scales"], ["y"], domain="com.microsoft",
                            K=k, N=n, bits=4, block_size=block, accuracy_level=0)
    g = helper.make_graph([node], "matmulnbits", [x], [y], initializer=[
        numpy_helper.from_array(packed, "w_q"), numpy_helper.from_array(scales.reshape(-1), "w_scales")])
    save(make_model(g), out, "matmulnbits")
    xin = rng.standard_normal((1, 3, k)).astype(np.float32)
    return {"x": xin, "expected_dequantized": xin @ deq}


def gqa_graph(out: Path, dtype=np.float32, name="gqa"):
    """A GroupQueryAttention node (rotary inside) as the GenAI builder emits it for CPU."""
    heads, kv_heads, head, max_pos = 4, 2, 16, 64
    elem = TensorProto.FLOAT if dtype == np.float32 else TensorProto.FLOAT16
    inv = 1.0 / (10000 ** (np.arange(0, head, 2, dtype=np.float32) / head))
    freqs = np.outer(np.arange(max_pos, dtype=np.float32), inv)
    inputs = [
        helper.make_tensor_value_info("query", elem, ["batch", "seq", heads * head]),
        helper.make_tensor_value_info("key", elem, ["batch", "seq", kv_heads * head]),
        helper.make_tensor_value_info("value", elem, ["batch", "seq", kv_heads * head]),
        helper.make_tensor_value_info("past_key", elem, ["batch", kv_heads, "past", head]),
        helper.make_tensor_value_info("past_value", elem, ["batch", kv_heads, "past", head]),
        helper.make_tensor_value_info("seqlens_k", TensorProto.INT32, ["batch"]),
        helper.make_tensor_value_info("total_sequence_length", TensorProto.INT32, []),
    ]
    outputs = [
        helper.make_tensor_value_info("output", elem, ["batch", "seq", heads * head]),
        helper.make_tensor_value_info("present_key", elem, ["batch", kv_heads, "total", head]),
        helper.make_tensor_value_info("present_value", elem, ["batch", kv_heads, "total", head]),
    ]
    node = helper.make_node("GroupQueryAttention",
                            ["query", "key", "value", "past_key", "past_value", "seqlens_k",
                             "total_sequence_length", "cos_cache", "sin_cache"],
                            ["output", "present_key", "present_value"], domain="com.microsoft",
                            num_heads=heads, kv_num_heads=kv_heads, do_rotary=1, rotary_interleaved=0)
    g = helper.make_graph([node], name, inputs, outputs, initializer=[
        numpy_helper.from_array(np.cos(freqs).astype(dtype), "cos_cache"),
        numpy_helper.from_array(np.sin(freqs).astype(dtype), "sin_cache")])
    save(make_model(g), out, name)
    seq = 3
    feed = {
        "query": rng.standard_normal((1, seq, heads * head)).astype(dtype),
        "key": rng.standard_normal((1, seq, kv_heads * head)).astype(dtype),
        "value": rng.standard_normal((1, seq, kv_heads * head)).astype(dtype),
        "past_key": np.zeros((1, kv_heads, 0, head), dtype),
        "past_value": np.zeros((1, kv_heads, 0, head), dtype),
        "seqlens_k": np.array([seq - 1], np.int32),
        "total_sequence_length": np.array(seq, np.int32),
    }
    return feed


def run_reference(path: Path, feed: dict) -> dict:
    import onnxruntime as ort
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [o.name for o in sess.get_outputs()]
    return dict(zip(names, sess.run(None, feed)))


def tensor_json(a: np.ndarray) -> dict:
    return {"dtype": str(a.dtype), "shape": list(a.shape), "data": a.astype(np.float64).reshape(-1).tolist()}


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent)
    out.mkdir(parents=True, exist_ok=True)
    add_graph(out)
    matmul_graph(out)
    mixed_types_graph(out)
    nb = matmulnbits_graph(out)
    nb_ref = run_reference(out / "matmulnbits.onnx", {"x": nb["x"]})
    gqa_feed = gqa_graph(out)
    gqa_ref = run_reference(out / "gqa.onnx", gqa_feed)
    expected = {
        "onnxruntime": __import__("onnxruntime").__version__,
        "matmulnbits": {"inputs": {"x": tensor_json(nb["x"])},
                        "outputs": {"y": tensor_json(nb_ref["y"])},
                        "dequantized_reference": tensor_json(nb["expected_dequantized"])},
        "gqa": {"inputs": {k: tensor_json(v) for k, v in gqa_feed.items()},
                "outputs": {k: tensor_json(v) for k, v in gqa_ref.items()}},
    }
    (out / "expected.json").write_text(json.dumps(expected, indent=1))
    print("wrote", sorted(p.name for p in out.iterdir()))


if __name__ == "__main__":
    main()
