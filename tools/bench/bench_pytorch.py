#!/usr/bin/env python3
"""PyTorch's training throughput on the course's benchmark configs, for comparison with `deno task bench`.

Not part of the tests: run it only where PyTorch is installed (here: Debian's python3-torch 1.13.1,
`apt install python3-torch`; PyPI is not reachable). Prints one JSON line per config, in the same
format as `deno task bench --json`:

    /usr/bin/python3 tools/bench/bench_pytorch.py [--quick]

The model is the course's next-word model: Embedding(V, E) -> LSTM(E, H) -> Linear(H, V), trained with
Adam (lr 0.003), cross-entropy, gradient clipping at norm 5, batches of 32 windows of 35 token ids.
"""
import json, os, platform, statistics, sys, time
import torch

# PyTorch's own thread count (Debian's build starts with 1 here; most builds use every core). Both
# are measured, and OpenBLAS threads on its own either way; report the faster.
THREADS = sorted({1, os.cpu_count() or 1})

CONFIGS = {
    "brown-base": dict(V=10_000, E=128, H=256),
    "small": dict(V=2_000, E=64, H=128),
}
B, T = 32, 35
blas = "OpenBLAS" if "openblas" in open("/proc/self/maps").read().lower() else "reference BLAS"  # what libblas.so.3 is
quick = "--quick" in sys.argv
torch.manual_seed(0)

for threads in THREADS:
    torch.set_num_threads(threads)
    for name, c in CONFIGS.items():
        emb = torch.nn.Embedding(c["V"], c["E"])
        lstm = torch.nn.LSTM(c["E"], c["H"], batch_first=True)
        out = torch.nn.Linear(c["H"], c["V"])
        params = [*emb.parameters(), *lstm.parameters(), *out.parameters()]
        opt = torch.optim.Adam(params, lr=0.003)
        x = torch.randint(0, c["V"], (B, T))
        y = torch.randint(0, c["V"], (B, T))

        def step():
            opt.zero_grad()
            h, _ = lstm(emb(x))
            loss = torch.nn.functional.cross_entropy(out(h).reshape(-1, c["V"]), y.reshape(-1))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 5.0)
            opt.step()

        for _ in range(3):  # warm-up
            step()
        times = []
        for _ in range(10 if quick else 20):
            t0 = time.perf_counter()
            step()
            times.append((time.perf_counter() - t0) * 1000)
        median = statistics.median(times)
        print(json.dumps({
            "engine": f"pytorch {torch.__version__} cpu, {torch.get_num_threads()} thread(s), {blas}",
            "config": name,
            "tokens_per_s": round(B * T / (median / 1000)),
            "step_ms_median": round(median, 1),
            "steps": len(times),
            "machine": f"{platform.machine()}, {torch.get_num_threads()} threads",
        }))
