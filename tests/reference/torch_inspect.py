#!/usr/bin/python3
"""Reference values for nexttoken's inspection of a model (src/core/model/inspect.h), computed by
PyTorch in float64 on torch_gpt2.py's fixture model (the same weights, the same forward):
  - the attention weights of every layer and head over one sequence as long as the context,
  - the logit lens: the residual after each block through the final LayerNorm and the tied
    output head, softmaxed, at every position,
  - the cosine similarity of every pair of token embeddings (wte rows) and of position
    embeddings (wpe rows).
into tests/fixtures/inspect_torch.bin, which is committed, so the C test needs no torch.

Run with Debian's python3-torch:  /usr/bin/python3 tests/reference/torch_inspect.py
File layout (little-endian): b"NTINS001", int32 L, NH, C, ctx, V, n, int64 n_params,
float32 params[n_params], int32 ids[n], float64 att[L*NH*n*n], float64 lens[L*n*V],
float64 wte_cos[V*V], float64 wpe_cos[ctx*ctx]
"""
import struct

import torch
import torch.nn.functional as F

from torch_gpt2 import C, CTX, L, NH, SEED, V, fixture_out, flat_params, forward, make_params


def cosines(x):
    """(rows, rows): cos of every pair of rows, as nexttoken defines it (0 for a zero row)."""
    norms = x.norm(dim=1, keepdim=True)
    return (x @ x.T) / (norms @ norms.T)


def main():
    out = fixture_out("inspect_torch.bin")
    p = make_params(torch.Generator().manual_seed(SEED))
    flat = flat_params(p)
    # A sequence of the context's full length, so the test covers every position embedding.
    g2 = torch.Generator().manual_seed(SEED + 1)
    ids = torch.randint(0, V, (1, CTX), generator=g2)
    keep = {}
    with torch.no_grad():
        logits, _ = forward(p, ids, None, keep)
        att = torch.stack([a[0] for a in keep["att"]])  # (L, NH, n, n)
        lens = torch.stack([
            (F.layer_norm(x[0], (C,), p["lnfw"], p["lnfb"], eps=1e-5) @ p["wte"].T).softmax(dim=-1)
            for x in keep["resid"]])  # (L, n, V)
        # the last layer's lens is the model's own distribution
        assert torch.allclose(lens[-1], logits[0].softmax(dim=-1))
        wte_cos = cosines(p["wte"])
        wpe_cos = cosines(p["wpe"])
    n = flat.numel()
    with open(out, "wb") as f:
        f.write(b"NTINS001")
        f.write(struct.pack("<6i", L, NH, C, CTX, V, CTX))
        f.write(struct.pack("<q", n))
        f.write(flat.numpy().astype("<f4").tobytes())
        f.write(ids[0].int().numpy().astype("<i4").tobytes())
        for t in (att, lens, wte_cos, wpe_cos):
            f.write(t.numpy().astype("<f8").tobytes())
    print(f"wrote {out}: {n} parameters, {CTX} positions")


if __name__ == "__main__":
    main()
