#!/usr/bin/env python3
"""PyTorch's side of `deno task crosscheck:layers`: the base model of notebook 09 with 1 or 2 stacked
LSTM layers, trained as lib/engine/wordlm.ts trains it, to check that a second layer's slow start is the
model's and not the course's code.

    /usr/bin/python3 tools/research/layers_pytorch.py DIR TOKENS LAYERS

DIR holds train.i32 and valid.i32 (int32 token ids, written by tools/research/layers_crosscheck.ts). The same
model, initialisation and training as the course's: Embedding(10,000, 128) uniform in ±0.1; nn.LSTM(128,
128, LAYERS) with PyTorch's own uniform ±1/√H weights (the course's rule), b_hh zero and b_ih zero but
the forget gate's 1 (gate order i, f, g, o, as the course's); Linear(128, 10,000), bias zero; Adam at
0.01 falling linearly to a tenth over TOKENS; clipping at 5; B 32 rows of T 35, the state carried and
every row restarted from zero every 100 windows. Prints one JSON line: the validation perplexity of
valid.i32 read as 32 rows, each from a zero state.
"""
import json, math, os, sys
import torch

directory, tokens_wanted, layers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.manual_seed(0)
torch.set_num_threads(1)


def ids(name):
    path = os.path.join(directory, name)
    return torch.from_file(path, size=os.path.getsize(path) // 4, dtype=torch.int32).long()


train, valid = ids("train.i32"), ids("valid.i32")
V, E, H, B, T, LR = 10_000, 128, 128, 32, 35, 0.01
emb = torch.nn.Embedding(V, E)
emb.weight.data.uniform_(-0.1, 0.1)
lstm = torch.nn.LSTM(E, H, num_layers=layers, batch_first=True)
for name, p in lstm.named_parameters():
    if name.startswith("bias"):
        p.data.zero_()
        if name.startswith("bias_ih"):
            p.data[H:2 * H] = 1.0
out = torch.nn.Linear(H, V)
out.bias.data.zero_()
params = [*emb.parameters(), *lstm.parameters(), *out.parameters()]
opt = torch.optim.Adam(params, lr=LR)

length = (len(train) - 1) // B
x_rows = train[:B * length].view(B, length)
y_rows = train[1:B * length + 1].view(B, length)
state, tokens, window = None, 0, 0
while tokens < tokens_wanted:
    if window % 100 == 0:
        state = None
    for g in opt.param_groups:
        g["lr"] = LR * (1 - 0.9 * min(1, tokens / tokens_wanted))
    s = window * T
    x, y = x_rows[:, s:s + T], y_rows[:, s:s + T]
    h, state = lstm(emb(x), state)
    state = tuple(t.detach() for t in state)
    loss = torch.nn.functional.cross_entropy(out(h).reshape(-1, V), y.reshape(-1))
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 5.0)
    opt.step()
    tokens += B * T
    window += 1

with torch.no_grad():
    n = (len(valid) - 1) // B
    h, _ = lstm(emb(valid[:B * n].view(B, n)))
    loss = torch.nn.functional.cross_entropy(out(h).reshape(-1, V), valid[1:B * n + 1].view(B, n).reshape(-1))
print(json.dumps({"layers": layers, "tokens": tokens, "validPerplexity": math.exp(loss.item()),
                  "torch": torch.__version__}))
