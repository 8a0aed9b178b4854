"""Writes iot-assist-pro's MODEL_CARD.md from teacher_pro.py's report, so every figure in the card is the
committed evaluation's output and nothing is typed by hand."""
from __future__ import annotations

from pathlib import Path

from model_card import _mb, _pct


def write_pro_model_card(path: Path, r: dict) -> None:
    t, ev, tc = r["teacher"], r["evaluation"], r["teacher"]["config"]
    rows = "\n".join(
        f"| {label} | {_pct(ev[k]['command_exact_match'])} | {_pct(ev[k]['telemetry_severity_accuracy'])} | "
        f"{_pct(ev[k]['telemetry_line_exact_match'])} |"
        for k, label in (("teacher_fp32", "teacher, FP32 (not shipped)"), ("teacher_int4", "teacher, INT4 (this model)"),
                         ("student_int4", f"student, INT4 (`{r['draft']}`, the draft)")))
    ops = ", ".join(f"{k} ×{v}" for k, v in r["int4_ops"].items())
    sizes = r["sizes_bytes"]
    failures = "\n".join(f"- `{f['prompt']}` → expected `{f['expected']}`, got `{f['got']}`"
                         for f in ev["teacher_int4"]["sample_failures"][:6]) or "- none"
    text = f"""# {r['model']} {r['version']}

The teacher that EdgeLLM's default model `{r['draft']}` is distilled from, quantized to INT4 for CPUs, with
`{r['draft']}` as its speculative-decoding draft (`edgellm_model.json` → `"draft": "../{r['draft']}"`): the
student proposes a few tokens, the teacher checks them in one pass, so answers are the teacher's, token for
token, at close to the student's speed. Same tasks, chat template and GenAI layout as `{r['draft']}`.

## Architecture

Llama family (RMSNorm, RoPE, GQA, SwiGLU): {tc['num_hidden_layers']} layers, hidden size {tc['hidden_size']},
{tc['num_attention_heads']} attention heads / {tc['num_key_value_heads']} KV heads, MLP {tc['intermediate_size']},
vocabulary {tc['vocab_size']}, context {tc['max_position_embeddings']}; {t['parameters']:,} parameters.
Every MatMul is INT4 `MatMulNBits` (block 32, asymmetric, `accuracy_level` 4), the embedding table FP32.
Ops: {ops}.

## Tokenizer

`{r['tokenizer']['source']}`, copied unchanged (sha256 `{r['tokenizer']['sha256'][:16]}…`). Draft and target
must share one tokenizer; EdgeLLM refuses a pair whose `tokenizer.json` differs.

## Training

`recipes/pipeline.py`'s teacher recipe on its data (seed {r['seed']}, {r['data']['train']:,} training
examples): cross-entropy on the assistant turn, {t['steps']} steps of {t['batch_size']}, AdamW, peak lr
{t['lr']}. Final training CE {t['train_ce']}, held-out CE {t['heldout_ce']}. Export check: largest
|torch − onnxruntime| logit difference {r['export_max_logit_diff']:.1e}.

## Evaluation (held-out `data/heldout.jsonl`, greedy, onnxruntime {r['environment']['onnxruntime']})

| model | command → JSON exact match | telemetry severity accuracy | telemetry line exact |
| --- | --- | --- | --- |
{rows}

{ev['teacher_int4']['n_command']} command and {ev['teacher_int4']['n_telemetry']} telemetry examples. The draft
writes exactly the teacher's answer on {_pct(r['draft_answer_agreement'])} of them (whole answers; token
acceptance is higher). Some misses of the INT4 teacher:

{failures}

## Size on disk

| file | size |
| --- | --- |
| `model.onnx` (INT4, this directory) | {_mb(sizes['teacher_int4_model_onnx'])} |
| whole directory | {_mb(sizes['teacher_int4_dir'])} |
| teacher FP32 ONNX (not shipped) | {_mb(sizes['teacher_fp32_model_onnx'])} |

## Rebuild

```
python3 models-distilled/recipes/teacher_pro.py --out models-distilled
```

Built on {r['environment']['gpu'] or 'CPU'} with torch {r['environment']['torch']} in {r['seconds']:.0f} s.
GPU training is not bit-exact between runs, so a rebuild gives figures close to, not identical with, these.
"""
    path.write_text(text)
