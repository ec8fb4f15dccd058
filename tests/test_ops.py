import pytest
import sympy as sp

from brainflops.core.errors import InvalidValueError
from brainflops.ops.operations import activation, conv, dense, dropout, max_pool, op_flops


def test_dense_cost_is_two_flops_per_weight_per_input_vector():
    op = dense(1000, 250, steps=128)
    assert op.flops == 2 * 128 * 1000 * 250
    assert op.weights == 1000 * 250
    assert op.elements_moved() == 1000 * 250 + 128 * 1000 + 128 * 250
    assert op.bytes_moved("bf16") == 2 * op.elements_moved()


def test_convolution_cost_matches_dettmers_purkinje_term():
    # 1e5 synapses x 5 steps convolved with a 10 x 1000 x 5 kernel: 2 x 5e5 x 5e4 FLOPs.
    op = conv((100_000, 5), (10, 1000, 5))
    assert op.flops == 2 * 500_000 * 50_000
    assert op.output_shape == op.input_shape


def test_pooling_activation_dropout():
    assert max_pool((100, 5), (10, 1)).flops == 500
    assert max_pool((100, 5), (10, 1)).output_shape == (10, 5)
    assert activation((1, 1, 5)).flops == 5
    assert dropout((7,)).flops == 7
    assert activation((3,)).weights == 0


def test_symbolic_shapes():
    s, t, k = sp.symbols("s t k", positive=True)
    assert sp.simplify(conv((s, t), (k, t)).flops - 2 * s * t**2 * k) == 0


def test_errors():
    with pytest.raises(InvalidValueError):
        op_flops("fft", (), (), ())  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError):
        dense(2, 2).bytes_moved("fp4")
    with pytest.raises(InvalidValueError):
        max_pool((4, 4), (2,))
