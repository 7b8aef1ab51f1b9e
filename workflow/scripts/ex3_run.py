"""Exercise 3: one softmax-regression run — a setting (implementation, schedule, rate, batch size, epochs) and a seed."""

import torch

from gdlab.io import save_arrays, setup_logging, write_json
from gdlab.softmax import confusion_matrix, evaluate, init_params, load_mnist, make_model
from gdlab.train import fit, resolve_device, schedule

log = setup_logging(snakemake.log[0])
torch.set_num_threads(snakemake.threads)
cfg, wc = snakemake.params.train, snakemake.wildcards
lr, batch_size, epochs, seed = float(wc.lr), int(wc.bs), int(wc.epochs), int(wc.seed)
device = resolve_device(cfg["device"])
data = load_mnist(snakemake.input.mnist, device)
W, b = init_params(data["X_train"].shape[1], 10, cfg["init_std"], seed)
model = make_model(wc.impl, W.to(device), b.to(device))


def metrics(m):
    train_cost, train_acc = evaluate(m, data["X_train"], data["y_train"])
    val_cost, val_acc = evaluate(m, data["X_val"], data["y_val"])
    return {"loss": train_cost, "train_accuracy": train_acc, "val_cost": val_cost, "val_accuracy": val_acc}


hist = fit(model, data["X_train"], data["y_train"], epochs=epochs, lr=schedule(wc.schedule, lr), batch_size=batch_size,
           generator=torch.Generator().manual_seed(seed), metrics=metrics, divergence_factor=cfg["divergence_factor"])
test_cost, test_acc = evaluate(model, data["X_test"], data["y_test"])  # reported only, never used to choose
W, b = (p.detach().cpu() for p in model.params())
conf = confusion_matrix(model.logits(data["X_test"]).argmax(1).cpu(), data["y_test"].cpu())
save_arrays(snakemake.output.weights, W=W.contiguous().numpy(), b=b.numpy())
write_json(snakemake.output.json, {
    "impl": wc.impl, "schedule": wc.schedule, "lr": lr, "batch_size": batch_size, "epochs": epochs, "seed": seed,
    "device": str(device), "diverged": hist.diverged, "epochs_run": hist.epochs_run,
    "test_accuracy": test_acc, "test_cost": test_cost, "confusion": conf.tolist(),
    "history": {k: hist.column(k) for k in ("epoch", "seconds", "loss", "train_accuracy", "val_cost", "val_accuracy")},
})
log.info("%s %s lr=%g bs=%d seed=%d: val %.4f test %.4f%s", wc.impl, wc.schedule, lr, batch_size, seed,
         hist.rows[-1]["val_accuracy"], test_acc, " (diverged)" if hist.diverged else "")
