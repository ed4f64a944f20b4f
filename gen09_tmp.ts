// One-off: writes notebook 09's result paragraphs from the claims (tests/_claims09.ts) and the prose around them.
import { claims09 } from "./tests/_claims09.ts";
import { seedVerdict } from "@course/lib/experiments.ts";
const [resultsPath, crossPath = "data/results/layers_crosscheck.json"] = Deno.args;
const full = JSON.parse(Deno.readTextFileSync(resultsPath));
const cross = JSON.parse(Deno.readTextFileSync(crossPath));
const KN = 141.5628521477164;
const c = claims09(full, cross, KN);
const v = (id: string) => full.runs[id].finalValidPerplexity;
const within = (a: string, b: string) => seedVerdict(full.runs[a], full.runs[b]) === "within the seed band";
const p = "notebooks/09-improving-performance.ipynb";
const nb = JSON.parse(Deno.readTextFileSync(p));
const cells = nb.cells as { cell_type: string; source: string[] }[];
const text = (k: number) => cells[k].source.join("");
const set = (k: number, t: string) => (cells[k].source = t.split(/(?<=\n)/));
const after = (code: string) => {
  const k = cells.findIndex((x, j) => x.cell_type === "code" && text(j) === code);
  if (k < 0 || cells[k + 1].cell_type !== "markdown") throw new Error(`no markdown after ${code}`);
  return k + 1;
};
const curveEnd = (id: string) => full.runs[id].curve.at(-1).validPerplexity;
if (!(curveEnd("layers2") > full.runs.base.curve[0].validPerplexity)) throw new Error("layers: the eighth-of-an-epoch claim");
if (!(full.runs.data50k.curve.at(-1).validPerplexity > full.runs.data50k.curve[0].validPerplexity)) throw new Error("data50k overfits");
const para: Record<string, string> = {
  data: `${c.data[0]} ${c.data[1]}: more data helps more than anything else on the list, and costs nothing per step. Going round a small text also overfits: ${c.data[2]}. The model was memorising its 50,000 tokens. (The tokens/s in the tables differ by up to a fifth between runs of the same size: that is timing noise on a shared machine, and it blurs every seconds chart.)`,
  embedding: `${c.embedding[0]} ${c.embedding[1]} Bigger word vectors help, but much less than a bigger state (next).`,
  hidden: `${c.hidden[0]} ${c.hidden[1]} ${c.hidden[2]}: the bigger state is the largest gain per token of any idea here, but at a fixed time it has not yet caught up. Compare the two charts.`,
  layers: `${c.layers[0]} A second layer stacked on the first learns far more slowly: after a whole epoch the two-layer model is still worse than the one-layer model was after an eighth of one. Is that the course's code? \`deno task crosscheck:layers\` trained the same two models in PyTorch (Debian's \`python3-torch\`: \`nn.LSTM\`, with the same initialisation rule, data order, optimiser, schedule, clipping and resets, from seed 0) and in the course's library, for a shorter run: ${c.layers[1]} The slow start is the model's, not the code's. Deep LSTM language models are trained for many epochs (Zaremba et al. 2014 trained their two-layer models for 39 to 55), with dropout between the layers; one epoch is not enough for the second layer to pay.`,
  dropout: `${c.dropout[0]} On text read only once there is nothing to memorise, so dropout only slows learning down. It pays once text repeats, which the slice below shows.`,
  dropoutSlice: `${c.dropoutSlice[0]} ${c.dropoutSlice[1]} once the model sees the text again.${v("sliceRec3") > v("slice") ? " Recurrent dropout, which masks hₜ₋₁ with one mask for the whole window, made the slice run worse: it disturbs the memory itself." : ""}`,
  forget: `${c.forget[0]}${Math.abs(v("forget0") / v("base") - 1) < 0.02 ? " Next-word prediction hardly needs the bias: most of what helps predict the next word is a few words back, while the bias matters for long gaps (notebook 04's 20 distractors)." : ""}`,
  clip: `${c.clip[0]} ${c.clip[1]}${c.clip[1].startsWith("The same") ? ", so clipping never fired. Clipping is insurance, cheap to keep; Zaremba et al. (2014) needed it for plain SGD at learning rate 1." : "."}`,
  optimiser: `${c.optimiser[0]} ${c.optimiser[1]}: the learning rate matters as much as anything on the list, so try a few, a factor of 2 to 5 apart. Plain SGD at 1.0, the rate Zaremba et al. (2014) used, needs many epochs; Adam gets much further in one.`,
  schedule: `${c.schedule[0]}${within("constant", "base") ? " After one epoch the decay makes no difference the seeds could tell apart." : ""}`,
  bptt: `${c.bptt[0]} With the state carried, even T = 5 sees context beyond 5 words. Within a fixed token budget, T also sets ${c.bptt[1]} ${c.bptt[2]} ${c.bptt[3]} (on the 32,000-token sample). ${c.bptt[4]}`,
  tied: `${c.tied[0]} ${c.tied[1]}`,
  gru: `${c.gru[0]} ${c.gru[1]} For comparison: Chung et al. (2014) found the two comparable on music and speech; Jozefowicz et al. (2015), over thousands of architectures, found the GRU ahead of the LSTM on most tasks but not on language modelling, where an LSTM with forget bias 1 did as well or better.`,
};
for (const [id, t] of Object.entries(para)) set(after(`experiment("${id}")`), t + "\n");
// The early-stopping paragraph follows the early-stopping code cell.
const es = cells.findIndex((_, j) => text(j).startsWith("// Early stopping with patience 2"));
set(es + 1, `${c.epochs[0]} Validation perplexity falls fast for the first passes and then levels off, while training perplexity keeps falling: the model has started to memorise the slice. On these means, ${c.epochs[1]}: early stopping keeps the best weights it saw, so give it enough patience to ride out a validation curve that wobbles.\n`);
// Method: where the base model stands.
const m = cells.findIndex((_, j) => text(j).startsWith("## 2. The method"));
set(m, text(m).replace(/(The budget is one epoch: every full-data run reads the whole training split once\.)[^\n]*?(Four runs go round)/, `$1 That is long enough for the base model to beat the Kneser–Ney trigram: ${c.method[0]}, so every idea is measured where the LSTM is already the better model, not in the first minutes, when whatever learns fastest wins. $2`));
if (!text(m).includes(c.method[0])) throw new Error("method");
// The summary at the end: the answers table is at the top now.
const sm = cells.findIndex((_, j) => text(j).startsWith("## Summary"));
if (text(sm + 1) === "summaryTable(full)") cells.splice(sm + 1, 1);
set(sm, "## Summary\n\nThe table at the top gives every idea's answer. What they add up to:\n");
set(sm + 1, text(sm + 1).replace(/- Short runs favour[^\n]*/, "- Judge an idea where it matters: after one epoch, where the base model already beats the trigram, not in the first minutes; and with more than one seed, because a difference inside the seed band is no difference at all."));
set(sm + 2, `${c.summary[0]}. The bigger state and the shorter window are better per token but slower per second; the rate is free. Three ideas that help fully trained models did not help after one epoch: dropout (it pays once text repeats, as on the slice), a second layer (it needs many epochs) and tied embeddings (${full.runs.tied.finalValidPerplexity > full.runs.base.finalValidPerplexity ? "slightly worse" : "no better"}). The full run above was trained before these long runs, with Adam at 0.003 and H = 256; they point to a higher rate and a shorter window for the next one. It still reached 0.69 × the trigram on its own; mixing it with the trigram and a cache of recent words, which cost no training, took it to 0.65 ×.\n`);
Deno.writeTextFileSync(p, JSON.stringify(nb, null, 1) + "\n");
console.log(JSON.stringify(c.summary));
