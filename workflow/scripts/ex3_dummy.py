"""Exercise 3 b: the practical's hint — each function on dummy tensors of the required shapes: the shape it
returns, no NaN, rows of softmax summing to 1 (also for logits so large that a naive softmax overflows), and the
hand-written gradient against autograd's."""

import torch
import torch.nn.functional as F

from gdlab.io import setup_logging, write_json
from gdlab.softmax import cost_ce, grad_loss_ce, linear_trsf, loss_ce, predict, softmax

setup_logging(snakemake.log[0])
gen = torch.Generator().manual_seed(snakemake.params.seed)
nb = snakemake.params.nbatch
x = torch.rand(nb, 1, 28, 28, generator=gen)
y = torch.randint(0, 10, (nb,), generator=gen)
W = torch.randn(10, 784, generator=gen, requires_grad=True)
b = torch.zeros(1, 10, requires_grad=True)
z = linear_trsf(x, W, b)
uhat = predict(x, W, b)
huge = softmax(1e4 * z.detach())
calls = {"linear_trsf(x, W, b)": z, "softmax(z)": softmax(z), "softmax(10⁴·z)": huge, "predict(x, W, b)": uhat,
         "loss_ce(y, uhat)": loss_ce(y, uhat), "cost_ce(y, uhat)": cost_ce(y, uhat)}
cost_ce(y, uhat).backward()
gradW, gradb = grad_loss_ce(x, F.one_hot(y, 10).float(), uhat.detach())
write_json(snakemake.output.json, {
    "nbatch": nb,
    "rows": [{"call": name, "shape": list(t.shape), "no_nan": bool(not torch.isnan(t).any())} for name, t in calls.items()],
    "gradient_shapes": [list(gradW.shape), list(gradb.shape)],
    "softmax_rows_sum_to_one": bool(torch.allclose(huge.sum(1), torch.ones(nb)) and torch.allclose(softmax(z).sum(1), torch.ones(nb))),
    "gradient_vs_autograd": max(float((gradW - W.grad).abs().max()), float((gradb - b.grad).abs().max())),
})
