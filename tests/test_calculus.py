"""Exercise 6: the sympy results equal the code's numeric functions and autograd; the checks can fail."""

import warnings

import numpy as np
import pytest
import sympy as sp
import torch

from gdlab import calculus
from gdlab.calculus import c1, c1_second, derive, is_zero, sigmoid, sigmoid_prime, softplus
from gdlab.logreg import cost, gradient_cost

POINTS = np.array([-30.0, -5.0, -1.3, -0.2, 0.0, 0.4, 2.0, 7.5, 30.0])


@pytest.fixture(scope="module")
def derived():
    return derive()


@pytest.fixture(scope="module")
def sym():
    return calculus.lambdified()


def test_every_check_passes(derived):
    assert derived and all(r["passed"] for r in derived.values()), [k for k, r in derived.items() if not r["passed"]]
    assert {"a_sigmoid_prime", "b_sigmoid_identity", "c_softplus_prime", "f_c1_nonconvex",
            "g_c2_y0_second", "g_c2_y1_second"} <= derived.keys()


def test_zero_test_rejects_a_wrong_identity():
    s = calculus.sigma_expr(calculus.z)
    assert is_zero(sp.diff(s, calculus.z) - s * (1 - s))
    assert not is_zero(sp.diff(s, calculus.z) - s * (1 + s))  # a wrong claim must not pass


def test_numeric_functions_equal_sympy(sym):
    np.testing.assert_allclose(sigmoid(POINTS), sym["sigmoid"](POINTS), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(sigmoid_prime(POINTS), sym["sigmoid_prime"](POINTS), rtol=1e-9, atol=1e-300)
    mid = POINTS[np.abs(POINTS) < 20]  # sympy's lambdified log(1/(1+e^-z)) loses digits far out; ours does not
    np.testing.assert_allclose(softplus(mid), sym["softplus"](mid), rtol=1e-12)
    np.testing.assert_allclose(c1_second(mid), sym["c1_second"](mid), rtol=1e-9, atol=1e-15)


def test_numeric_functions_equal_autograd():
    # torch's backward uses σ(1-σ), which cancels for large z: compare where it is exact.
    mid = POINTS[np.abs(POINTS) < 20]
    t = torch.tensor(mid, requires_grad=True)
    torch.sigmoid(t).sum().backward()
    np.testing.assert_allclose(sigmoid_prime(mid), t.grad.numpy(), rtol=1e-12, atol=1e-300)
    t = torch.tensor(POINTS, requires_grad=True)
    (torch.sigmoid(t) - 1).pow(2).sum().backward()
    g = t.grad.clone()
    np.testing.assert_allclose(-2 * sigmoid(POINTS) * (1 - sigmoid(POINTS)) ** 2, g.numpy(), rtol=1e-10, atol=1e-300)
    np.testing.assert_allclose(softplus(POINTS), torch.nn.functional.softplus(torch.tensor(POINTS)).numpy(), rtol=1e-12)


def test_sympy_c2_gradient_equals_the_logistic_cost_gradient(sym):
    """c2 is the one-example, one-weight logistic cost: sympy's c2' must equal gdlab.logreg.gradient_cost."""
    for w, x, y in [(0.7, 1.5, 1.0), (-2.0, 0.3, 0.0), (3.0, -4.0, 1.0)]:
        X1 = torch.tensor([[x]], dtype=torch.float64)
        theta = torch.tensor([w], dtype=torch.float64)
        yy = torch.tensor([y], dtype=torch.float64)
        assert float(gradient_cost(theta, X1, yy)) == pytest.approx(sym["c2_grad"](w, x, y), rel=1e-12)
        t = theta.clone().requires_grad_()
        cost(t, X1, yy).backward()
        assert float(t.grad) == pytest.approx(sym["c2_grad"](w, x, y), rel=1e-12)


def test_sigmoid_any_shape_no_overflow_warning():
    z = np.array([[-1e4, -800.0], [0.0, 1e4]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = sigmoid(z)
        sp_ = softplus(z)
    assert s.shape == z.shape and np.all(np.isfinite(s)) and s[0, 0] == 0.0 and s[1, 1] == 1.0 and s[1, 0] == 0.5
    assert np.isfinite(sp_).all() and sp_[1, 1] == 1e4 and sp_[0, 0] == 0.0
    assert sigmoid(3.0).shape == ()


def test_c1_sign_change_where_sympy_says():
    assert c1_second(-np.log(2) - 1e-3) < 0 < c1_second(-np.log(2) + 1e-3)
    assert np.all(np.diff(c1(np.linspace(-10, 10, 50))) < 0)  # c1 decreases towards 0 as σ -> 1
