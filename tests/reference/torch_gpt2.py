#!/usr/bin/python3
"""Reference values for nexttoken's GPT-2, computed by PyTorch in float64.

Builds a small GPT-2 (the same architecture as src/core/gpt2.h and nanoGPT: learned position
embeddings, pre-LayerNorm blocks, causal attention, tanh-GELU MLP, final LayerNorm, output tied
to the token embedding) from seeded float32 weights, then records:
  - logits, per-position losses and the mean loss for one batch,
  - the gradient of the mean loss for every parameter,
  - the weights after three AdamW steps (betas 0.9/0.95, eps 1e-8, weight decay 0.1 on 2-D
    weights only, gradient-norm clipping at 1.0, a given learning rate per step), and each
    step's loss.
into tests/fixtures/gpt2_torch.bin, which is committed, so the C tests need no torch.

Run with Debian's python3-torch:  /usr/bin/python3 tests/reference/torch_gpt2.py
File layout (little-endian): b"NTREF001", int32 L, NH, C, ctx, V, B, T, nsteps, int64 n_params,
float32 params[n], int32 inputs[B*T], int32 targets[B*T], float64 logits[B*T*V],
float64 losses[B*T], float64 mean_loss, float64 grads[n], float32 lr[nsteps], float32 clip,
float64 step_loss[nsteps], float64 params_after[n]
"""
import math
import os
import struct
import sys

import torch
import torch.nn.functional as F

L, NH, C, CTX, V, B, T = 2, 4, 32, 12, 67, 3, 9
LRS = [1e-2, 3e-2, 5e-3]
CLIP = 1.0
SEED = 4242


def tensor_shapes():
    # llm.c's order, PyTorch's (out, in) layout: the order of gpt2.h's GPT2_* enum
    return [("wte", (V, C)), ("wpe", (CTX, C)), ("ln1w", (L, C)), ("ln1b", (L, C)),
            ("qkvw", (L, 3 * C, C)), ("qkvb", (L, 3 * C)), ("attprojw", (L, C, C)),
            ("attprojb", (L, C)), ("ln2w", (L, C)), ("ln2b", (L, C)), ("fcw", (L, 4 * C, C)),
            ("fcb", (L, 4 * C)), ("fcprojw", (L, C, 4 * C)), ("fcprojb", (L, C)),
            ("lnfw", (C,)), ("lnfb", (C,))]


def forward(p, idx, targets, keep=None):
    """Logits and per-position losses (none without targets). With a dict `keep`, also its
    "att": each layer's attention weights (B, NH, T, T) and "resid": the residual stream after
    each block (B, T, C), for tests/reference/torch_inspect.py."""
    Bn, Tn = idx.shape
    x = p["wte"][idx] + p["wpe"][:Tn]
    hs = C // NH
    mask = torch.tril(torch.ones(Tn, Tn, dtype=torch.bool))
    for l in range(L):
        h = F.layer_norm(x, (C,), p["ln1w"][l], p["ln1b"][l], eps=1e-5)
        qkv = h @ p["qkvw"][l].T + p["qkvb"][l]
        q, k, v = qkv.split(C, dim=2)
        q = q.view(Bn, Tn, NH, hs).transpose(1, 2)
        k = k.view(Bn, Tn, NH, hs).transpose(1, 2)
        v = v.view(Bn, Tn, NH, hs).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(hs)
        att = att.masked_fill(~mask, float("-inf")).softmax(dim=-1)
        if keep is not None:
            keep.setdefault("att", []).append(att)
        y = (att @ v).transpose(1, 2).contiguous().view(Bn, Tn, C)
        x = x + y @ p["attprojw"][l].T + p["attprojb"][l]
        h = F.layer_norm(x, (C,), p["ln2w"][l], p["ln2b"][l], eps=1e-5)
        h = F.gelu(h @ p["fcw"][l].T + p["fcb"][l], approximate="tanh")
        x = x + h @ p["fcprojw"][l].T + p["fcprojb"][l]
        if keep is not None:
            keep.setdefault("resid", []).append(x)
    x = F.layer_norm(x, (C,), p["lnfw"], p["lnfb"], eps=1e-5)
    logits = x @ p["wte"].T
    if targets is None:
        return logits, None
    losses = F.cross_entropy(logits.view(-1, V), targets.view(-1), reduction="none")
    return logits, losses


def make_params(g):
    """The fixture's weights, drawn from generator g: float32 values held in float64."""
    p = {}
    for name, shape in tensor_shapes():
        if name in ("ln1w", "ln2w", "lnfw"):
            t = 1.0 + 0.1 * torch.randn(shape, generator=g)
        elif name.endswith("b"):
            t = 0.02 * torch.randn(shape, generator=g)
        else:
            t = 0.08 * torch.randn(shape, generator=g)
        p[name] = t.float().double().requires_grad_(True)  # float32 values, float64 arithmetic
    return p


def flat_params(p):
    """Every weight in one float32 vector, in the order of gpt2.h's tensors."""
    return torch.cat([p[n].detach().reshape(-1) for n, _ in tensor_shapes()]).float()


def fixture_out(name):
    """The file to write: the command line's first argument, else tests/fixtures/NAME."""
    return sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", name)


def main():
    out = fixture_out("gpt2_torch.bin")
    g = torch.Generator().manual_seed(SEED)
    p = make_params(g)
    flat0 = flat_params(p)
    idx = torch.randint(0, V, (B, T), generator=g)
    tgt = torch.randint(0, V, (B, T), generator=g)

    logits, losses = forward(p, idx, tgt)
    loss = losses.mean()
    loss.backward()
    grads = torch.cat([p[n].grad.reshape(-1) for n, _ in tensor_shapes()])

    # Three AdamW steps as nanoGPT configures them: decay on 2-D tensors only.
    for t in p.values():
        t.grad = None
    params = [p[n] for n, _ in tensor_shapes()]
    # ln1w etc. are stacked (L, C) here but are per-layer vectors in GPT-2: decay follows the
    # tensor's role (nanoGPT decays its 2-D weights), not this stacking, so group them by name.
    roles = {n: n in ("wte", "wpe", "qkvw", "attprojw", "fcw", "fcprojw") for n, _ in tensor_shapes()}
    decay = [p[n] for n, _ in tensor_shapes() if roles[n]]
    nodecay = [p[n] for n, _ in tensor_shapes() if not roles[n]]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1},
                             {"params": nodecay, "weight_decay": 0.0}],
                            lr=LRS[0], betas=(0.9, 0.95), eps=1e-8)
    step_losses = []
    for lr in LRS:
        for grp in opt.param_groups:
            grp["lr"] = lr
        opt.zero_grad(set_to_none=True)
        _, ls = forward(p, idx, tgt)
        l = ls.mean()
        l.backward()
        norm = torch.nn.utils.clip_grad_norm_(params, CLIP)
        assert norm > CLIP, "the fixture should exercise clipping"
        opt.step()
        step_losses.append(l.item())
    after = torch.cat([p[n].detach().reshape(-1) for n, _ in tensor_shapes()])

    n = flat0.numel()
    with open(out, "wb") as f:
        f.write(b"NTREF001")
        f.write(struct.pack("<8i", L, NH, C, CTX, V, B, T, len(LRS)))
        f.write(struct.pack("<q", n))
        f.write(flat0.numpy().astype("<f4").tobytes())
        f.write(idx.int().numpy().astype("<i4").tobytes())
        f.write(tgt.int().numpy().astype("<i4").tobytes())
        f.write(logits.detach().numpy().astype("<f8").tobytes())
        f.write(losses.detach().numpy().astype("<f8").tobytes())
        f.write(struct.pack("<d", loss.item()))
        f.write(grads.numpy().astype("<f8").tobytes())
        f.write(struct.pack(f"<{len(LRS)}f", *LRS))
        f.write(struct.pack("<f", CLIP))
        f.write(struct.pack(f"<{len(LRS)}d", *step_losses))
        f.write(after.numpy().astype("<f8").tobytes())
    print(f"wrote {out}: {n} parameters, loss {loss.item():.6f}, steps {step_losses}")


if __name__ == "__main__":
    main()
