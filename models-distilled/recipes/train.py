"""Teacher training and student distillation on the IoT chat data.

Loss is taken on the assistant turn only (the answer and its closing <|im_end|>), never on the prompt.
Distillation: alpha * T^2 * KL(teacher_T || student_T) + (1 - alpha) * CE(student, labels), where X_T is a
softmax at temperature T over the teacher's and student's logits at the same positions.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from bpe_tokenizer import IM_END, render_chat
from iot_data import Example, to_messages
from llama_model import LlamaConfig, LlamaForCausalLM

IGNORE = -100


@dataclass
class Encoded:
    ids: list[int]
    prompt_len: int


def encode_examples(tok, examples: list[Example]) -> list[Encoded]:
    im_end = tok.token_to_id(IM_END)
    prompts = [render_chat(to_messages(e), add_generation_prompt=True) for e in examples]
    p_ids = tok.encode_batch(prompts)
    a_ids = tok.encode_batch([e.answer for e in examples])
    return [Encoded(p.ids + a.ids + [im_end], len(p.ids)) for p, a in zip(p_ids, a_ids)]


class PaddedData:
    """All sequences padded once into device tensors; a batch is an index gather plus a trim to its own
    longest row, so no Python work per example remains in the training loop."""

    def __init__(self, data: list[Encoded], pad_id: int, device):
        width = max(len(e.ids) for e in data) - 1
        inputs = torch.full((len(data), width), pad_id, dtype=torch.long)
        labels = torch.full((len(data), width), IGNORE, dtype=torch.long)
        for i, e in enumerate(data):
            seq = torch.tensor(e.ids, dtype=torch.long)
            n = len(e.ids) - 1
            inputs[i, :n] = seq[:-1]
            # position t predicts token t+1; the first answer token is predicted at prompt_len - 1
            labels[i, e.prompt_len - 1:n] = seq[e.prompt_len:]
        self.inputs, self.labels = inputs.to(device), labels.to(device)
        self.lengths = torch.tensor([len(e.ids) - 1 for e in data], device=device)

    def __len__(self) -> int:
        return self.inputs.shape[0]

    def batch(self, index: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        width = int(self.lengths[index].max())
        return self.inputs[index, :width], self.labels[index, :width]


def batches(data: PaddedData, batch_size: int, steps: int, seed: int):
    g = torch.Generator().manual_seed(seed)
    order = torch.empty(0, dtype=torch.long)
    for _ in range(steps):
        if order.numel() < batch_size:
            order = torch.cat([order, torch.randperm(len(data), generator=g)])
        yield data.batch(order[:batch_size].to(data.inputs.device))
        order = order[batch_size:]


def lr_at(step: int, steps: int, peak: float, warmup: int) -> float:
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = (step - warmup) / max(1, steps - warmup)
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


@torch.no_grad()
def evaluate_loss(model, data: PaddedData, batch_size: int = 256) -> float:
    model.eval()
    total, count = 0.0, 0
    device = data.inputs.device
    for i in range(0, len(data), batch_size):
        x, y = data.batch(torch.arange(i, min(i + batch_size, len(data)), device=device))
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=device.type == "cuda"):
            logits = model(x)
        loss = F.cross_entropy(logits.float().view(-1, logits.shape[-1]), y.view(-1), ignore_index=IGNORE, reduction="sum")
        total += loss.item()
        count += (y != IGNORE).sum().item()
    model.train()
    return total / max(1, count)


def train_teacher(cfg: LlamaConfig, train: PaddedData, val: PaddedData, device,
                  steps: int, batch_size: int, lr: float, seed: int, log) -> tuple[LlamaForCausalLM, dict]:
    torch.manual_seed(seed)
    model = LlamaForCausalLM(cfg).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.95), weight_decay=0.1)
    t0, last = time.time(), 0.0
    for step, (x, y) in enumerate(batches(train, batch_size, steps, seed)):
        for g in opt.param_groups:
            g["lr"] = lr_at(step, steps, lr, warmup=min(200, steps // 10 + 1))
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=device.type == "cuda"):
            logits = model(x)
        loss = F.cross_entropy(logits.float().view(-1, logits.shape[-1]), y.view(-1), ignore_index=IGNORE)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        last = loss.item() if step % 50 == 0 or step == steps - 1 else last
        if step % 500 == 0 or step == steps - 1:
            log(f"teacher step {step}/{steps} loss {last:.4f} ({time.time() - t0:.0f}s)")
    val_ce = evaluate_loss(model, val)
    log(f"teacher done: train CE {last:.4f}, held-out CE {val_ce:.4f}")
    return model, {"train_ce": round(last, 4), "heldout_ce": round(val_ce, 4), "steps": steps,
                   "batch_size": batch_size, "lr": lr, "seconds": round(time.time() - t0, 1)}


def distil_student(cfg: LlamaConfig, teacher: LlamaForCausalLM, train: PaddedData, val: PaddedData, device, steps: int, batch_size: int, lr: float, temperature: float, alpha: float, seed: int,
                   log) -> tuple[LlamaForCausalLM, dict]:
    torch.manual_seed(seed + 1)
    teacher.eval()
    student = LlamaForCausalLM(cfg).to(device)
    opt = torch.optim.AdamW(student.parameters(), lr=lr, betas=(0.9, 0.95), weight_decay=0.1)
    t0 = time.time()
    last = {"loss": 0.0, "kl": 0.0, "ce": 0.0}
    for step, (x, y) in enumerate(batches(train, batch_size, steps, seed + 7)):
        for g in opt.param_groups:
            g["lr"] = lr_at(step, steps, lr, warmup=min(200, steps // 10 + 1))
        keep = y.view(-1) != IGNORE
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=device.type == "cuda"):
            with torch.no_grad():
                t_logits = teacher(x)
            s_logits = student(x)
        s = s_logits.float().view(-1, s_logits.shape[-1])[keep]
        t = t_logits.float().view(-1, t_logits.shape[-1])[keep]
        kl = F.kl_div(F.log_softmax(s / temperature, -1), F.log_softmax(t / temperature, -1),
                      log_target=True, reduction="batchmean") * temperature ** 2
        ce = F.cross_entropy(s, y.view(-1)[keep])
        loss = alpha * kl + (1 - alpha) * ce
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(student.parameters(), 1.0)
        opt.step()
        if step % 50 == 0 or step == steps - 1:
            last = {"loss": loss.item(), "kl": kl.item(), "ce": ce.item()}
        if step % 500 == 0 or step == steps - 1:
            log(f"student step {step}/{steps} loss {last['loss']:.4f} (KL {last['kl']:.4f}, CE {last['ce']:.4f}) ({time.time() - t0:.0f}s)")
    val_ce = evaluate_loss(student, val)
    log(f"student done: held-out CE {val_ce:.4f}")
    return student, {"train_loss": round(last["loss"], 4), "train_kl": round(last["kl"], 4), "train_ce": round(last["ce"], 4),
                     "heldout_ce": round(val_ce, 4), "steps": steps, "batch_size": batch_size, "lr": lr,
                     "temperature": temperature, "alpha": alpha, "seconds": round(time.time() - t0, 1)}
