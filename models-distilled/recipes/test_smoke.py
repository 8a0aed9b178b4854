"""pytest: the committed models reproduce their smoke.json exactly with onnxruntime, in both KV-cache
styles, and their files are consistent with each other.

    python3 -m pytest models-distilled/recipes/test_smoke.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from ort_decode import OrtDecoder  # noqa: E402

ROOT = HERE.parent
MODEL_DIRS = [ROOT / "iot-assist", ROOT / "variants" / "iot-assist-fp16kv", ROOT / "iot-assist-pro"]


def _cases():
    for d in MODEL_DIRS:
        smoke = json.loads((d / "smoke.json").read_text())
        for case in smoke["cases"]:
            for shared in (False, True):
                yield pytest.param(d, case, shared, id=f"{d.name}-{case['name']}-{'shared' if shared else 'growing'}")


_decoders: dict[Path, OrtDecoder] = {}


def _decoder(d: Path) -> OrtDecoder:
    if d not in _decoders:
        _decoders[d] = OrtDecoder(d, threads=2)
    return _decoders[d]


@pytest.mark.parametrize("model_dir,case,shared", list(_cases()))
def test_greedy_ids_reproduce_smoke_json(model_dir: Path, case: dict, shared: bool):
    smoke = json.loads((model_dir / "smoke.json").read_text())
    got = _decoder(model_dir).greedy(case["prompt_ids"], smoke["max_new_tokens"], share_buffer=shared)
    assert got.ids == case["output_ids"]
    assert got.finish_reason == case["finish_reason"]


@pytest.mark.parametrize("model_dir", MODEL_DIRS, ids=lambda d: d.name)
def test_prompt_ids_are_what_the_tokenizer_gives(model_dir: Path):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    for case in json.loads((model_dir / "smoke.json").read_text())["cases"]:
        assert tok.encode(case["prompt"]).ids == case["prompt_ids"]
        assert tok.decode(case["output_ids"], skip_special_tokens=True) == case["text"]


@pytest.mark.parametrize("model_dir", MODEL_DIRS, ids=lambda d: d.name)
def test_genai_config_matches_the_graph(model_dir: Path):
    import onnx

    cfg = json.loads((model_dir / "genai_config.json").read_text())
    dec = cfg["model"]["decoder"]
    graph = onnx.load(str(model_dir / dec["filename"]), load_external_data=False).graph
    names = {i.name for i in graph.input} | {o.name for o in graph.output}
    for i in range(dec["num_hidden_layers"]):
        for template in list(dec["inputs"].values())[2:] + list(dec["outputs"].values())[1:]:
            assert template % i in names
    ops = {n.op_type for n in graph.node}
    assert "MatMul" not in ops, "every MatMul must be quantized to MatMulNBits"
    assert "MatMulNBits" in ops and "GroupQueryAttention" in ops
