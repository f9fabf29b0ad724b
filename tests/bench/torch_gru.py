#!/usr/bin/python3
"""PyTorch's nn.GRU timed on the same shapes as bench_core.

Run with Debian's /usr/bin/python3 (torch 1.13), by tests/bench/compare.sh:
  /usr/bin/python3 tests/bench/torch_gru.py THREADS RUNS B T I H [B T I H ...]
Forward inference under torch.inference_mode(), and forward + backward
(loss = sum(output * d_out)) in training mode; float32, batch_first, one
layer, reset_after semantics (PyTorch's GRU). Prints one line per shape:
"torch B,T,I,H fwd_ms train_ms" (medians). Never fails on time.
"""
import statistics
import sys
import time

import torch


def main():
    threads, runs = int(sys.argv[1]), max(1, int(sys.argv[2]))
    shapes = [tuple(int(v) for v in sys.argv[i:i + 4]) for i in range(3, len(sys.argv), 4)]
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    print("torch %s, intra-op threads %d, mkldnn %s" % (torch.__version__, torch.get_num_threads(),
          torch.backends.mkldnn.is_available()), file=sys.stderr)
    for (B, T, I, H) in shapes:
        gru = torch.nn.GRU(I, H, batch_first=True)
        x = torch.randn(B, T, I)
        h0 = torch.zeros(1, B, H)
        dout = torch.randn(B, T, H)
        fwd, trn = [], []
        for r in range(runs + 2):
            t0 = time.perf_counter()
            with torch.inference_mode():
                gru(x, h0)
            t1 = time.perf_counter()
            xg = x.clone().requires_grad_(True)
            out, _ = gru(xg, h0)
            (out * dout).sum().backward()
            t2 = time.perf_counter()
            gru.zero_grad(set_to_none=True)
            if r >= 2:
                fwd.append((t1 - t0) * 1e3)
                trn.append((t2 - t1) * 1e3)
        print("torch %d,%d,%d,%d %.4f %.4f" % (B, T, I, H, statistics.median(fwd), statistics.median(trn)),
              flush=True)


if __name__ == "__main__":
    main()
