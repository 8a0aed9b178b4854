"""Writes MODEL_CARD.md from the pipeline's report, so every figure in the card is the committed
evaluation's output and nothing is typed by hand."""
from __future__ import annotations

from pathlib import Path


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def _mb(n: int) -> str:
    return f"{n / 1e6:.2f} MB"


def write_model_card(path: Path, r: dict) -> None:
    t, s, ev = r["teacher"], r["student"], r["evaluation"]
    tc, sc = t["config"], s["config"]
    teacher_em = ev["teacher_fp32"]["command_exact_match"]
    rows = []
    for key, label in (("teacher_fp32", "teacher, FP32"), ("student_fp32", "student, FP32"), ("student_int4", "student, INT4 (this model)")):
        e = ev[key]
        rel = e["command_exact_match"] / teacher_em if teacher_em else 0.0
        rows.append(f"| {label} | {_pct(e['command_exact_match'])} | {_pct(rel)} | {_pct(e['telemetry_severity_accuracy'])} | {_pct(e['telemetry_line_exact_match'])} |")
    ops = ", ".join(f"{k} ×{v}" for k, v in r["int4_ops"].items())
    sizes = r["sizes_bytes"]
    failures = "\n".join(f"- `{f['prompt']}` → expected `{f['expected']}`, got `{f['got']}`"
                         for f in ev["student_int4"]["sample_failures"][:6]) or "- none"
    text = f"""# {r['model']} {r['version']}

EdgeLLM's embedded default model: a small Llama-family decoder distilled for two device tasks and
quantized to INT4 for CPUs. It runs in the ONNX Runtime GenAI layout (`genai_config.json`, `model.onnx`,
`tokenizer.json`), so EdgeLLM and onnxruntime-genai both load it as is.

| task | input (user turn) | output (assistant turn) |
| --- | --- | --- |
| command | a natural-language device command | one JSON action `{{"device","action","zone","at"}}` |
| telemetry | a sensor reading (key=value, JSON, prose or CSV) | `<ok|warn|alarm>: <sensor> <reason>` |

Prompts go through the chat template (ChatML); use `edgellm run --chat "..."` or MQTT/REST `messages`.

## Architecture

| | teacher | student (this model) |
| --- | --- | --- |
| family | Llama (RMSNorm, RoPE, GQA, SwiGLU) | same |
| layers | {tc['num_hidden_layers']} | {sc['num_hidden_layers']} |
| hidden size | {tc['hidden_size']} | {sc['hidden_size']} |
| attention heads / KV heads / head size | {tc['num_attention_heads']} / {tc['num_key_value_heads']} / {tc['hidden_size'] // tc['num_attention_heads']} | {sc['num_attention_heads']} / {sc['num_key_value_heads']} / {sc['hidden_size'] // sc['num_attention_heads']} |
| MLP size | {tc['intermediate_size']} | {sc['intermediate_size']} |
| vocabulary | {tc['vocab_size']} | {sc['vocab_size']} |
| context length | {tc['max_position_embeddings']} | {sc['max_position_embeddings']} |
| parameters | {t['parameters']:,} | {s['parameters']:,} ({r['compression']}× smaller) |

ONNX graph: `com.microsoft.GroupQueryAttention` with rotary inside (works with a growing past and with
`past_present_share_buffer`), Skip/SimplifiedLayerNormalization, and every MatMul as INT4 `MatMulNBits`
(block 32, asymmetric, `accuracy_level` 4). Ops: {ops}. The embedding table stays FP32.

## Data

Synthetic and seeded (`recipes/iot_data.py`, seed {r['seed']}): {r['data']['train']:,} training and
{r['data']['heldout']:,} held-out examples, half commands and half telemetry. Commands vary devices (21),
synonyms, zones (16), phrasing, politeness, casing, times (12h/24h clocks, relative, tomorrow, sunset),
temperatures in °C/°F with many spellings, and typos in 15 % of them. Telemetry mixes 1–4 metrics in four
formats with units and threshold-hugging values; the worst metric decides the severity. The held-out split
is drawn with its own seed and no held-out input occurs in training. Tokenizer: byte-level BPE trained on the
training split only ({r['tokenizer']['vocab_size']} tokens, Qwen2-style split regex, ChatML special tokens).

## Training and losses

Loss on the assistant turn only. Teacher: cross-entropy, {t['steps']} steps of {t['batch_size']}, AdamW,
peak lr {t['lr']}. Student: distilled from the teacher, `{s['alpha']} · T² · KL(teacher_T ‖ student_T) +
{1 - s['alpha']} · CE` with T = {s['temperature']}, {s['steps']} steps of {s['batch_size']}, peak lr {s['lr']}.

| | final training loss | held-out CE (answer tokens) |
| --- | --- | --- |
| teacher (CE) | {t['train_ce']} | {t['heldout_ce']} |
| student (total) | {s['train_loss']} (KL {s['train_kl']}, CE {s['train_ce']}) | {s['heldout_ce']} |

## Evaluation (held-out, greedy, onnxruntime {r['environment']['onnxruntime']} on the exported files)

| model | command → JSON exact match | of teacher's | telemetry severity accuracy | telemetry line exact |
| --- | --- | --- | --- | --- |
{chr(10).join(rows)}

{ev['student_int4']['n_command']} command and {ev['student_int4']['n_telemetry']} telemetry examples. A JSON answer counts
when it parses and equals the expected action; a severity counts when the word before the first `:` is right.
Some misses of the INT4 student:

{failures}

## Size on disk

| file | size |
| --- | --- |
| `model.onnx` (INT4, this directory) | {_mb(sizes['student_int4_model_onnx'])} |
| whole directory | {_mb(sizes['student_int4_dir'])} |
| student FP32 ONNX (not shipped) | {_mb(sizes['student_fp32_model_onnx'])} |
| teacher FP32 ONNX (not shipped) | {_mb(sizes['teacher_fp32_model_onnx'])} |

`variants/{r['model']}-fp16kv/` holds the same student with a float16 KV cache and its weights in
`model.onnx.data` ({_mb(sizes['fp16kv_variant_dir'])}).

## Files

`genai_config.json` (GenAI layout), `model.onnx`, `tokenizer.json`, `tokenizer_config.json` (chat
template), `special_tokens_map.json`, `config.json` and `generation_config.json` (Hugging Face layout, for
other runtimes), `edgellm_model.json` (id and version), `smoke.json` (prompts with the exact greedy ids
onnxruntime produced; EdgeLLM's tests and OTA smoke tests replay them).

## Rebuild

One command on a machine with a GPU, torch, tokenizers, onnx and onnxruntime 1.30 (nothing is downloaded):

```
python3 models-distilled/recipes/pipeline.py --out models-distilled
python3 -m pytest models-distilled/recipes/test_smoke.py     # smoke.json reproduced by onnxruntime
```

Built on {r['environment']['gpu'] or 'CPU'} with torch {r['environment']['torch']} in {r['seconds']:.0f} s.
GPU training is not bit-exact between runs, so a rebuild gives figures close to, not identical with,
these; the committed files and this card always come from the same run.
"""
    path.write_text(text)
