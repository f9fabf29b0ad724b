#!/usr/bin/python3
"""Reference numbers for tests/phpunit/TorchStackTest.php.

Builds torch.nn.GRU(num_layers=2, bidirectional=True) in float64 with a
fixed seed, runs it on an input and an initial state h_0, and back-propagates
L = sum(output * d_output) + sum(h_n * d_h_n). Writes one JSON file per case
into this folder: the state dict, input, h_0, output, h_n, d_output, d_h_n
and the gradients of L for input, h_0 and every weight.

Every array is {"shape": [...], "data": [...]} with data flat, row-major,
as in the golden cases. Run with Debian's torch (python3-torch 1.13):

    /usr/bin/python3 tests/data/gen_torch_gru_stack.py
"""
import json
import os

import torch


def entry(t):
    t = t.detach().contiguous()
    return {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).tolist()]}


def case(name, seed, batch, steps, features, units, batch_first, bias):
    torch.manual_seed(seed)
    gru = torch.nn.GRU(features, units, num_layers=2, bias=bias, batch_first=batch_first,
                       bidirectional=True).double()
    # Weights well away from zero in every gate, not only PyTorch's
    # U(-1/sqrt(H), 1/sqrt(H)) default, so that a gate swap shows.
    with torch.no_grad():
        for p in gru.parameters():
            p.uniform_(-0.8, 0.8)
    shape = (batch, steps, features) if batch_first else (steps, batch, features)
    x = (torch.rand(shape, dtype=torch.float64) * 2 - 1).requires_grad_(True)
    h0 = (torch.rand((4, batch, units), dtype=torch.float64) * 2 - 1).requires_grad_(True)
    out, hn = gru(x, h0)
    d_out = torch.rand(out.shape, dtype=torch.float64) * 2 - 1
    d_hn = torch.rand(hn.shape, dtype=torch.float64) * 2 - 1
    loss = (out * d_out).sum() + (hn * d_hn).sum()
    loss.backward()
    data = {
        "config": {"batch": batch, "timesteps": steps, "input_size": features, "hidden_size": units,
                   "num_layers": 2, "bidirectional": True, "batch_first": batch_first, "bias": bias,
                   "torch": torch.__version__, "seed": seed},
        "state_dict": {k: entry(v) for k, v in gru.state_dict().items()},
        "input": entry(x),
        "h_0": entry(h0),
        "output": entry(out),
        "h_n": entry(hn),
        "d_output": entry(d_out),
        "d_h_n": entry(d_hn),
        "grads": dict({"input": entry(x.grad), "h_0": entry(h0.grad)},
                      **{k: entry(p.grad) for k, p in gru.named_parameters()}),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), name + ".json")
    with open(path, "w") as f:
        json.dump(data, f, separators=(",", ":"))
        f.write("\n")
    print(path)


torch.set_default_dtype(torch.float64)
case("torch_gru_stack_batch_first", 1234, batch=3, steps=5, features=4, units=6, batch_first=True, bias=True)
case("torch_gru_stack_seq_first", 5678, batch=2, steps=4, features=3, units=5, batch_first=False, bias=True)
case("torch_gru_stack_no_bias", 91011, batch=3, steps=4, features=4, units=3, batch_first=True, bias=False)
