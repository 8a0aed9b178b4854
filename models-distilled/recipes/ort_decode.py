"""Greedy decoding of a GenAI-layout model with onnxruntime (Python): the reference that evaluation,
smoke.json and EdgeLLM's own tests are checked against. Supports both KV-cache styles:
a growing past (present fed back as the next past) and past_present_share_buffer (one max-length buffer
bound as both past and present through IOBinding, updated in place by GroupQueryAttention).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime as ort


@dataclass
class Greedy:
    ids: list[int]
    finish_reason: str      # "stop" (an eos id came) or "length"
    min_margin: float       # smallest top-1 minus top-2 logit over the steps: how robust the argmax was


class OrtDecoder:
    def __init__(self, model_dir: Path, threads: int = 1):
        self.dir = Path(model_dir)
        cfg = json.loads((self.dir / "genai_config.json").read_text())
        dec = cfg["model"]["decoder"]
        self.layers = dec["num_hidden_layers"]
        self.kv_heads = dec["num_key_value_heads"]
        self.head = dec["head_size"]
        self.max_length = cfg["search"]["max_length"]
        eos = cfg["model"]["eos_token_id"]
        self.eos = set(eos if isinstance(eos, list) else [eos])
        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(self.dir / dec["filename"]), so, providers=["CPUExecutionProvider"])
        past = next(i for i in self.session.get_inputs() if i.name.startswith("past_key_values."))
        self.kv_dtype = np.float16 if "float16" in past.type else np.float32

    def _names(self, i: int) -> tuple[str, str, str, str]:
        return f"past_key_values.{i}.key", f"past_key_values.{i}.value", f"present.{i}.key", f"present.{i}.value"

    def greedy(self, prompt_ids: list[int], max_new_tokens: int, share_buffer: bool = False) -> Greedy:
        return self._greedy_shared(prompt_ids, max_new_tokens) if share_buffer else self._greedy_growing(prompt_ids, max_new_tokens)

    def _step_choice(self, logits: np.ndarray) -> tuple[int, float]:
        last = logits[0, -1].astype(np.float64)
        top2 = np.partition(last, -2)[-2:]
        return int(np.argmax(last)), float(top2.max() - top2.min())

    def _greedy_growing(self, prompt_ids: list[int], max_new_tokens: int) -> Greedy:
        empty = np.zeros((1, self.kv_heads, 0, self.head), self.kv_dtype)
        past = {n: empty for i in range(self.layers) for n in self._names(i)[:2]}
        tokens = list(prompt_ids)
        step_input = np.array([prompt_ids], np.int64)
        out, margin, reason = [], float("inf"), "length"
        for _ in range(max_new_tokens):
            feed = {"input_ids": step_input, "attention_mask": np.ones((1, len(tokens)), np.int64), **past}
            results = self.session.run(None, feed)
            names = [o.name for o in self.session.get_outputs()]
            by_name = dict(zip(names, results))
            token, m = self._step_choice(by_name["logits"])
            margin = min(margin, m)
            past = {self._names(i)[0]: by_name[self._names(i)[2]] for i in range(self.layers)}
            past.update({self._names(i)[1]: by_name[self._names(i)[3]] for i in range(self.layers)})
            if token in self.eos:
                reason = "stop"
                break
            out.append(token)
            tokens.append(token)
            step_input = np.array([[token]], np.int64)
        return Greedy(out, reason, margin)

    def _greedy_shared(self, prompt_ids: list[int], max_new_tokens: int) -> Greedy:
        shape = (1, self.kv_heads, self.max_length, self.head)
        buffers = {i: (ort.OrtValue.ortvalue_from_numpy(np.zeros(shape, self.kv_dtype)),
                       ort.OrtValue.ortvalue_from_numpy(np.zeros(shape, self.kv_dtype))) for i in range(self.layers)}
        tokens = list(prompt_ids)
        step_input = np.array([prompt_ids], np.int64)
        out, margin, reason = [], float("inf"), "length"
        for _ in range(max_new_tokens):
            binding = self.session.io_binding()
            binding.bind_cpu_input("input_ids", step_input)
            binding.bind_cpu_input("attention_mask", np.ones((1, len(tokens)), np.int64))
            binding.bind_output("logits")  # first, so it is output 0 below
            for i in range(self.layers):
                pk, pv, ok, ov = self._names(i)
                binding.bind_ortvalue_input(pk, buffers[i][0])
                binding.bind_ortvalue_input(pv, buffers[i][1])
                binding.bind_ortvalue_output(ok, buffers[i][0])
                binding.bind_ortvalue_output(ov, buffers[i][1])
            self.session.run_with_iobinding(binding)
            logits = binding.copy_outputs_to_cpu()[0]
            token, m = self._step_choice(logits)
            margin = min(margin, m)
            if token in self.eos:
                reason = "stop"
                break
            out.append(token)
            tokens.append(token)
            step_input = np.array([[token]], np.int64)
        return Greedy(out, reason, margin)
