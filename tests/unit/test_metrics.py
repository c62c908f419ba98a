import numpy as np
import pytest
from sklearn import metrics as sk

from atpace.engine import metrics


@pytest.fixture
def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    y = (rng.random(2000) < 0.6).astype(int)
    # rounded scores create many ties, which AUC must count as one half
    p = np.round(np.clip(0.3 * y + rng.random(2000) * 0.7, 0, 1), 2)
    p[:5] = (0.0, 1.0, 0.5, 0.5, 1.0)
    return y, p


def test_metrics_match_scikit_learn(data: tuple[np.ndarray, np.ndarray]) -> None:
    y, p = data
    assert metrics.auc(y, p) == pytest.approx(sk.roc_auc_score(y, p), abs=1e-12)
    assert metrics.rmse(y, p) == pytest.approx(np.sqrt(sk.mean_squared_error(y, p)), abs=1e-12)
    assert metrics.accuracy(y, p) == pytest.approx(sk.accuracy_score(y, p >= 0.5), abs=1e-12)
    assert metrics.log_loss(y, p) == pytest.approx(sk.log_loss(y, p), abs=1e-12)
    assert set(metrics.summary(y, p)) == {"auc", "rmse", "accuracy", "log_loss"}


def test_auc_on_a_hand_example() -> None:
    # positives 0.8, 0.4; negatives 0.4, 0.1: pairs (0.8>0.4), (0.8>0.1), (0.4=0.4 -> 1/2), (0.4>0.1)
    assert metrics.auc([1, 1, 0, 0], [0.8, 0.4, 0.4, 0.1]) == pytest.approx(3.5 / 4)


def test_bad_inputs_are_refused_with_every_problem() -> None:
    with pytest.raises(ValueError, match=r"2 labels but 3 probabilities"):
        metrics.rmse([0, 1], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match=r"labels must be 0 or 1.*probabilities must be finite"):
        metrics.rmse([0, 2], [0.1, np.nan])
    with pytest.raises(ValueError, match="both correct and incorrect"):
        metrics.auc([1, 1], [0.2, 0.3])
