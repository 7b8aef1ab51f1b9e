"""Exercise 3 d-f: the course's test — lr 0.01, batches of 64, 10 epochs on all 60 000 training images, the cost
and accuracy on the training and the test images after every epoch — by hand or with the nn.Module, from W with
entries init_std·N(0, 1) (the course's start: init_std 1) and b = 0."""

import torch

from gdlab.gd import train
from gdlab.io import setup_logging, write_json
from gdlab.softmax import NeuralNetwork, hand_step, init_params, load_mnist, metrics, module_params, module_step

log = setup_logging(snakemake.log[0])
torch.set_num_threads(snakemake.threads)
cfg, impl, std = snakemake.params.run, snakemake.wildcards.impl, float(snakemake.wildcards.std)
seed = snakemake.params.seed
data = load_mnist(snakemake.input.mnist)
X, Y, X_test, Y_test = data["X_train"], data["y_train"], data["X_test"], data["y_test"]
W, b = init_params(seed, std)
if impl == "hand":
    step, params = hand_step(W, b, cfg["lr"]), (W, b)
else:  # the nn.Module starts from the very same W and b, so that both runs can be compared epoch by epoch
    model = NeuralNetwork()
    with torch.no_grad():
        model.linear.weight.copy_(W)
        model.linear.bias.copy_(b[0])
    step, params = module_step(model, cfg["lr"]), module_params(model)
history = train(step, X, Y, cfg["nepochs"], cfg["nbatch"], seed, lambda: metrics(X, Y, *params) + metrics(X_test, Y_test, *params))
write_json(snakemake.output.json, {
    "impl": impl, "init_std": std, "seed": seed, **cfg,
    **{k: [h[i] for h in history] for i, k in enumerate(("train_cost", "train_accuracy", "test_cost", "test_accuracy"))},
})
log.info("%s std=%g: test accuracy %.4f after %d epochs", impl, std, history[-1][3], cfg["nepochs"])
