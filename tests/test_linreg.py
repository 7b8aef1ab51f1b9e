"""Exercise 1 numerics (gdlab.linreg): the design, hand gradient and Hessian vs autograd, closed form vs lstsq, the
curvature and GD's limits, the optimal step, epochs to a tolerance measured and predicted, the feature variants."""

import numpy as np
import pytest
import torch

from conftest import assert_hand_gradient_is_autograds, data_mirror
from gdlab.gd import gradient_descent
from gdlab.linreg import (
    contraction, cost, curvature, design, epochs_to_reach, feature_variant, gradient_cost, hessian, load,
    normal_equations, optimal_step, predicted_epochs, run,
)
from gdlab.linreg_data import standardise


def rents(n, seed, mean=70.0, std=25.0):
    """A rents-like sample: y = 300 + 25 x + noise, x around ``mean`` (so the raw design is ill-conditioned)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(mean, std, n)
    return x, 300 + 25 * x + rng.normal(0, 150, n)


@pytest.fixture(params=["raw", "standardised"])
def data(request):
    x, y = rents(60, 7)
    if request.param == "standardised":
        x, y = standardise(x), standardise(y)
    return design(x, y)


def random_a(seed=1):
    return torch.randn(2, 1, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def lausanne():
    m = data_mirror()
    path = m / "lausanne" / "lausanne-appart.csv" if m else None
    if path is None or not path.is_file():
        pytest.skip("the week-1 data lausanne-appart.csv is not in the data mirror")
    return path


# --- the design ---------------------------------------------------------------------------------------------

def test_design_is_a_column_of_ones_then_x_and_targets_as_a_column():
    X, Y = design([2, 3.5, -1], np.array([1.0, 2.0, 3.0]))
    assert X.dtype == Y.dtype == torch.float64 and X.shape == (3, 2) and Y.shape == (3, 1)
    assert X.tolist() == [[1.0, 2.0], [1.0, 3.5], [1.0, -1.0]] and Y.tolist() == [[1.0], [2.0], [3.0]]


# --- cost, gradient, Hessian, closed form -------------------------------------------------------------------

def test_cost_is_half_the_mean_squared_residual(data):
    X, Y = data
    a = random_a()
    r = (Y - X @ a).numpy()
    assert cost(X, Y, a).item() == pytest.approx(0.5 * np.mean(r**2), rel=1e-13)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_hand_gradient_equals_autograd(data, seed):
    assert_hand_gradient_is_autograds(cost, gradient_cost, *data, random_a(seed), (2, 1), atol=1e-12)


def test_hessian_equals_autograd_at_any_point(data):
    X, Y = data
    for a in (torch.zeros(2, 1, dtype=torch.float64), random_a(4)):
        H = torch.autograd.functional.hessian(lambda v: cost(X, Y, v.reshape(2, 1)), a.flatten())
        torch.testing.assert_close(hessian(X), H, rtol=1e-12, atol=1e-12)


def test_normal_equations_equal_lstsq_and_zero_the_gradient(data):
    X, Y = data
    a_star = normal_equations(X, Y)
    expected = np.linalg.lstsq(X.numpy(), Y.numpy(), rcond=None)[0]
    assert a_star.shape == (2, 1)
    np.testing.assert_allclose(a_star.numpy(), expected, rtol=1e-9, atol=1e-12)
    g = gradient_cost(X, Y, a_star)
    assert float(torch.linalg.vector_norm(g)) < 1e-9 * (1 + float(torch.linalg.vector_norm(X.T @ Y)) / len(X))


def test_curvature_is_the_hessian_spectrum(data):
    X, _ = data
    c = curvature(X)
    ev = np.linalg.eigvalsh(X.numpy().T @ X.numpy() / len(X))
    np.testing.assert_allclose(c.eigenvalues, ev, rtol=1e-10)
    assert c.eigenvalues == sorted(c.eigenvalues)
    assert (c.lambda_min, c.lambda_max) == (pytest.approx(ev[0]), pytest.approx(ev[-1]))
    assert c.max_lr == pytest.approx(2 / ev[-1]) and c.optimal_lr == pytest.approx(2 / (ev[0] + ev[-1]))
    assert c.condition_number == pytest.approx(ev[-1] / ev[0])


def test_curvature_of_a_constant_feature_has_infinite_condition_number():
    X, _ = design([3.0, 3.0, 3.0], [1.0, 2.0, 3.0])
    c = curvature(X)
    assert c.lambda_min == pytest.approx(0, abs=1e-12) and c.condition_number > 1e12


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.99, 1.0, 1.5, 1.9])
def test_contraction_is_the_factor_of_the_slowest_mode_late_in_a_run(data, fraction):
    """e_{t+1} = (I − lr H) e_t: one step exactly, and late in a run ‖e‖ shrinks by max|1 − lr λ| per epoch."""
    X, Y = data
    c, a_star, H = curvature(X), normal_equations(X, Y), hessian(X)
    lr = fraction * c.optimal_lr
    a0 = random_a(5)
    a1, _ = gradient_descent(lambda a: gradient_cost(X, Y, a), a0, lr, 1, lambda a: None)
    torch.testing.assert_close(a1 - a_star, (torch.eye(2, dtype=torch.float64) - lr * H) @ (a0 - a_star),
                               rtol=1e-8, atol=1e-10)
    q = contraction(c, lr)
    assert q == pytest.approx(max(abs(1 - lr * lam) for lam in np.linalg.eigvalsh(H.numpy())))
    n = int(min(2000, np.ceil(np.log(1e-6) / np.log(q)))) if q < 1 else 50
    _, dist = gradient_descent(lambda a: gradient_cost(X, Y, a), a0, lr, n,
                               lambda a: float(torch.linalg.vector_norm(a - a_star)))
    if dist[-1] > 1e-12 * dist[0]:  # above the rounding floor
        assert dist[-1] / dist[-2] == pytest.approx(q, rel=1e-3)


# --- gradient descent -----------------------------------------------------------------------------------

def test_run_records_epoch_zero_and_every_epoch_and_contracts_as_theory_says(data):
    """‖a_T − a*‖ ≤ max|1 − lr λ|^T ‖a_0 − a*‖ (the error is multiplied by I − lr H each epoch), and the cost never
    rises below 2/λmax; standardised, that reaches the closed form."""
    X, Y = data
    c, a_star = curvature(X), normal_equations(X, Y)
    T = 3000
    a, hist = run(X, Y, c.optimal_lr, T)
    assert len(hist) == T + 1
    assert hist[0] == (pytest.approx(float(cost(X, Y, torch.zeros(2, 1, dtype=torch.float64)))), [0.0, 0.0])
    assert hist[-1] == (pytest.approx(float(cost(X, Y, a)), rel=1e-15), a.flatten().tolist())
    costs = [c_ for c_, _ in hist]
    assert all(b <= a_ + 1e-15 * costs[0] for a_, b in zip(costs, costs[1:]))
    e0 = float(torch.linalg.vector_norm(a_star))
    bound = contraction(c, c.optimal_lr) ** T * e0
    assert float(torch.linalg.vector_norm(a - a_star)) <= bound * (1 + 1e-6) + 1e-12 * e0
    if c.condition_number < 10:
        assert float(torch.linalg.vector_norm(a - a_star)) <= 1e-12 * (1 + e0)


def test_run_starts_where_asked():
    X, Y = design([0.0, 1.0, 2.0], [1.0, 3.0, 5.0])
    a0 = torch.tensor([[1.0], [2.0]], dtype=torch.float64)  # the exact fit
    a, hist = run(X, Y, 0.1, 5, a0)
    assert [c for c, _ in hist] == [0.0] * 6 and torch.equal(a, a0)


def test_just_below_two_over_lambda_max_converges_just_above_diverges(data):
    X, Y = data
    theory = curvature(X).max_lr
    a0 = torch.zeros(2, 1, dtype=torch.float64)

    def last_over_first(lr):
        _, costs = gradient_descent(lambda a: gradient_cost(X, Y, a), a0, lr, 2000, lambda a: float(cost(X, Y, a)))
        return costs[-1] / costs[0]

    assert last_over_first(0.98 * theory) < 1 and last_over_first(1.02 * theory) > 1e6  # falls; explodes


def test_standardised_feature_lands_in_one_step_at_lr_one():
    """Standardised x: XᵀX/N = I, so 2/λmax = 2 and lr = 1 jumps to the minimum in one epoch."""
    x, y = rents(50, 3)
    X, Y = design(feature_variant(x, "standardised"), standardise(y))
    c = curvature(X)
    assert c.eigenvalues == pytest.approx([1.0, 1.0]) and c.max_lr == pytest.approx(2.0)
    a, hist = run(X, Y, 1.0, 1)
    torch.testing.assert_close(a, normal_equations(X, Y), rtol=1e-12, atol=1e-14)


# --- the optimal step (Exercise 5) ------------------------------------------------------------------------

def test_optimal_step_is_the_exact_minimiser_along_the_gradient(data):
    X, Y = data
    a = random_a(6)
    g = gradient_cost(X, Y, a)
    eps = optimal_step(X, Y, a)
    H = torch.autograd.functional.hessian(lambda v: cost(X, Y, v.reshape(2, 1)), a.flatten())
    assert eps == pytest.approx(float(g.T @ g) / float(g.flatten() @ H @ g.flatten()), rel=1e-12)
    new = a - eps * g
    # The new gradient is orthogonal to the old one, and nearby steps along −g cost more.
    assert abs(float(gradient_cost(X, Y, new).T @ g)) < 1e-9 * float(g.T @ g)
    best = float(cost(X, Y, new))
    assert best < float(cost(X, Y, a - 0.99 * eps * g)) and best < float(cost(X, Y, a - 1.01 * eps * g))


def test_optimal_step_is_zero_at_the_minimum_and_one_over_lambda_when_h_is_isotropic():
    X = torch.tensor([[1.0, 1.0], [1.0, -1.0], [1.0, 1.0], [1.0, -1.0]], dtype=torch.float64)  # XᵀX/N = I
    Y = torch.tensor([[3.0], [-1.0], [2.0], [0.0]], dtype=torch.float64)
    a0 = torch.zeros(2, 1, dtype=torch.float64)
    assert optimal_step(X, Y, a0) == pytest.approx(1.0)
    torch.testing.assert_close(a0 - gradient_cost(X, Y, a0), normal_equations(X, Y), rtol=1e-14, atol=1e-14)
    assert optimal_step(X, Y, normal_equations(X, Y)) == 0.0


# --- epochs to a tolerance, measured and predicted ----------------------------------------------------------

def small_problem():
    """A quadratic with condition number about 30 (x not centred): tens to hundreds of epochs to 1e-6."""
    x, y = rents(40, 11, mean=2.0, std=0.5)
    return design(x, y)


def test_epochs_to_reach_is_the_first_epoch_within_the_tolerance():
    X, Y = small_problem()
    a_star, c = normal_equations(X, Y), curvature(X)
    grad = lambda a: gradient_cost(X, Y, a)  # noqa: E731
    n = epochs_to_reach(grad, a_star, c.optimal_lr, 1e-6, 100_000)
    target = 1e-6 * float(torch.linalg.vector_norm(a_star))
    _, dist = gradient_descent(grad, torch.zeros_like(a_star), c.optimal_lr, n,
                               lambda a: float(torch.linalg.vector_norm(a - a_star)))
    assert n > 5 and dist[n] <= target < min(dist[:n])
    # The chunk size changes nothing; too few epochs allowed gives None.
    assert epochs_to_reach(grad, a_star, c.optimal_lr, 1e-6, 100_000, chunk=7) == n
    assert epochs_to_reach(grad, a_star, c.optimal_lr, 1e-6, n - 1) is None
    assert epochs_to_reach(grad, a_star, c.optimal_lr, 1e-6, n) == n
    # A slower rate needs more epochs; a diverging one never gets there.
    assert epochs_to_reach(grad, a_star, 0.1 * c.optimal_lr, 1e-6, 100_000) > 5 * n
    assert epochs_to_reach(grad, a_star, 1.1 * c.max_lr, 1e-6, 3000) is None


def test_epochs_to_reach_zero_when_the_start_is_already_there():
    X, Y = small_problem()
    zero = torch.zeros(2, 1, dtype=torch.float64)
    assert epochs_to_reach(lambda a: gradient_cost(X, Y, a), zero, 0.1, 1e-6, 10) == 0


@pytest.mark.parametrize("fraction", [0.1, 0.5, "optimal", 0.9, 0.99])  # of 2/λmax
@pytest.mark.parametrize("tol", [1e-3, 1e-8])
def test_predicted_epochs_equal_the_measured_ones(fraction, tol):
    X, Y = small_problem()
    a_star, c = normal_equations(X, Y), curvature(X)
    lr = c.optimal_lr if fraction == "optimal" else fraction * c.max_lr
    measured = epochs_to_reach(lambda a: gradient_cost(X, Y, a), a_star, lr, tol, 100_000)
    lam, V = np.linalg.eigh(hessian(X).numpy())
    target = tol * float(torch.linalg.vector_norm(a_star))
    predicted = predicted_epochs((lam, V), (0 - a_star).numpy(), lr, target)
    assert measured is not None and predicted is not None and measured > 0
    assert abs(predicted - measured) <= 1


def test_predicted_epochs_none_above_the_limit_zero_at_the_start_and_capped():
    X, _ = small_problem()
    lam, V = np.linalg.eigh(hessian(X).numpy())
    e0 = np.array([1.0, -2.0])
    c = curvature(X)
    assert predicted_epochs((lam, V), e0, 1.01 * c.max_lr, 1e-6) is None
    assert predicted_epochs((lam, V), e0, 0.5, 10.0) == 0  # ‖e0‖ < 10 already
    n = predicted_epochs((lam, V), e0, 0.1 * c.optimal_lr, 1e-6)
    assert n > 1 and predicted_epochs((lam, V), e0, 0.1 * c.optimal_lr, 1e-6, max_epochs=n - 1) is None
    # A mode the error does not touch does not count (its factor 0 here: lr λ = 1).
    assert predicted_epochs((np.array([1.0, 2.0]), np.eye(2)), np.array([1.0, 0.0]), 0.5, 0.5**5) == 5


def test_predicted_epochs_ignore_an_untouched_mode_whatever_its_factor():
    """e0 has no component along λ = 10, so the error is 0.5^t along λ = 1 only: 5 epochs to 0.5^5, even though
    |1 − 0.5·10| = 4 > 1 (the function's own test ``(q >= 1) & (c2 > 0)`` means to skip such a mode)."""
    assert predicted_epochs((np.array([1.0, 10.0]), np.eye(2)), np.array([1.0, 0.0]), 0.5, 0.5**5) == 5


# --- the feature variants ---------------------------------------------------------------------------------

def test_feature_variants():
    x, _ = rents(30, 2)
    np.testing.assert_array_equal(feature_variant(x, "raw"), x)
    assert abs(feature_variant(x, "centred").mean()) < 1e-12 * abs(x.mean())
    np.testing.assert_allclose(feature_variant(x, "centred") + x.mean(), x, rtol=1e-14)
    assert feature_variant(x, "scaled").std() == pytest.approx(1.0, rel=1e-14)
    np.testing.assert_allclose(feature_variant(x, "scaled") * x.std(), x, rtol=1e-14)
    z = feature_variant(list(x), "standardised")
    assert abs(z.mean()) < 1e-14 and z.std() == pytest.approx(1.0, rel=1e-14)  # population std
    with pytest.raises(KeyError):
        feature_variant(x, "whitened")


def test_standardised_feature_makes_the_hessian_the_identity():
    x, _ = rents(30, 4)
    X, _ = design(feature_variant(x, "standardised"), np.zeros(30))
    torch.testing.assert_close(X.T @ X / len(X), torch.eye(2, dtype=torch.float64), rtol=0, atol=1e-14)
    assert curvature(design(feature_variant(x, "raw"), np.zeros(30))[0]).condition_number > 100
    assert curvature(design(feature_variant(x, "centred"), np.zeros(30))[0]).condition_number == pytest.approx(
        x.var(), rel=1e-10)  # centred: H = diag(1, var x)


# --- load -----------------------------------------------------------------------------------------------

def test_load_standardises_the_target_and_the_feature_as_asked(tmp_path):
    x, y = rents(20, 5)
    p = tmp_path / "rents.csv"
    p.write_text("living_area,nb_rooms,rent_price\n" + "".join(f"{float(a)!r},3,{float(b)!r}\n" for a, b in zip(x, y)))
    X, Y = load(p, "living_area", "rent_price")
    torch.testing.assert_close(Y.flatten(), torch.tensor(standardise(y)), rtol=1e-14, atol=1e-14)
    torch.testing.assert_close(X[:, 1], torch.tensor(standardise(x)), rtol=1e-14, atol=1e-14)
    Xr, Yr = load(p, "living_area", "rent_price", "raw")
    torch.testing.assert_close(Xr[:, 1], torch.tensor(x), rtol=0, atol=0)
    torch.testing.assert_close(Yr, Y, rtol=0, atol=0)  # the target is standardised whatever the feature variant


def test_load_does_not_return_nan_for_a_constant_target(tmp_path):
    p = tmp_path / "rents.csv"
    p.write_text("living_area,rent_price\n50,1000\n70,1000\n90,1000\n")
    try:
        _, Y = load(p, "living_area", "rent_price")
    except Exception as exc:  # refusing the file (naming it) would do too
        assert str(p) in str(exc)
    else:
        assert torch.isfinite(Y).all()


def test_lausanne_closed_form_equals_lstsq_and_gd_reaches_it():
    X, Y = load(lausanne(), "living_area", "rent_price")
    assert X.shape == (201, 2) and Y.shape == (201, 1)
    a_star = normal_equations(X, Y)
    np.testing.assert_allclose(a_star.numpy(), np.linalg.lstsq(X.numpy(), Y.numpy(), rcond=None)[0], rtol=1e-10,
                               atol=1e-14)
    assert abs(float(a_star[0])) < 1e-12  # both standardised: the line passes through the origin
    assert float(a_star[1]) == pytest.approx(np.corrcoef(X[:, 1].numpy(), Y[:, 0].numpy())[0, 1], rel=1e-12)
    a, _ = run(X, Y, 0.5, 60)  # H = I: the error halves every epoch, to 2⁻⁶⁰ of its start
    assert float(torch.linalg.vector_norm(a - a_star)) < 1e-14
