"""Gradient descent: the two loops of the practical, as the hand-in's notebooks show them.

``gradient_descent`` is full-batch GD on one parameter tensor (Exercises 1 and 2: one step per epoch on the
whole data set). ``train`` is mini-batch GD (Exercise 3): the same loop serves the hand-gradient model and the
``torch.nn.Module`` — each brings its own ``step``. The pipeline runs exactly this code; the notebooks list it.
"""

from __future__ import annotations

import torch


def gradient_descent(gradient, w0, lr, nepochs, track):
    """Full-batch gradient descent from w0: nepochs steps w <- w - lr * gradient(w).
    Returns the last w and the list of track(w) before the first step and after each
    step."""
    w = w0.clone()
    history = [track(w)]
    for epoch in range(nepochs):
        w = w - lr * gradient(w)
        history.append(track(w))
    return w, history


def train(step, X, Y, nepochs, nbatch, seed, evaluate, stop=None):
    """Mini-batch gradient descent: every epoch shuffles the examples (seeded) and calls
    step(x, y) once per batch of nbatch examples. evaluate() is recorded before the
    first epoch and after each one; training ends after nepochs epochs, or earlier as
    soon as stop(history) is true."""
    generator = torch.Generator().manual_seed(seed)
    history = [evaluate()]
    for epoch in range(nepochs):
        order = torch.randperm(len(X), generator=generator)
        for i in range(0, len(X), nbatch):
            batch = order[i : i + nbatch]
            # the same rows as X[batch], Y[batch], copied by one call each
            step(X.index_select(0, batch), Y.index_select(0, batch))
        history.append(evaluate())
        if stop is not None and stop(history):
            break
    return history
