import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from brainflops.core.errors import InvalidValueError
from brainflops.ops.operations import activation, conv, dense, dropout, max_pool, op_flops, pool


def test_dense_cost_is_two_flops_per_weight_per_input_vector():
    op = dense(1000, 250, steps=128)
    assert op.flops == 2 * 128 * 1000 * 250
    assert op.weights == 1000 * 250
    assert op.elements_moved() == 1000 * 250 + 128 * 1000 + 128 * 250
    assert op.bytes_moved("bf16") == 2 * op.elements_moved()


def test_convolution_cost_matches_dettmers_purkinje_term():
    # 1e5 synapses x 5 steps convolved with the 10 x 1000 x 5 filter, its branches x
    # dendrites extent along the synapse axis: 2 x 5e5 x 5e4 FLOPs.
    op = conv((100_000, 5), (10 * 1000, 5))
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


# ------------------------------------------------------- shapes valid for their kind
def test_a_kernel_of_another_rank_than_its_input_is_refused_by_name():
    s, t = sp.symbols("s t", positive=True)
    with pytest.raises(
        InvalidValueError, match=r"'dendritic diffusion' \(conv\): a 3-D kernel on a 2-D input"
    ):
        conv((s, t), (10, 1000, t), label="dendritic diffusion")
    with pytest.raises(
        InvalidValueError, match=r"'spikes' \(max_pool\): a 1-D window on a 2-D input"
    ):
        max_pool((s, t), (s,), label="spikes")


@pytest.mark.parametrize(
    ("window", "message"),
    [
        ((sp.Rational(3, 200), 1), "not a whole number of elements"),
        ((20, 1), "larger than the input"),
        ((0, 1), "not positive"),
    ],
)
def test_invalid_pooling_windows_are_refused_when_built(window, message):
    with pytest.raises(InvalidValueError, match=message):
        max_pool((15, 5), window, label="dendritic spikes")


def test_pool_output_larger_than_input_is_refused():
    with pytest.raises(InvalidValueError, match=r"output 8 is larger than the input 4"):
        pool((4, 4), (8, 8), (2, 2))


@given(size=st.integers(1, 10_000), window=st.integers(1, 10_000))
def test_max_pool_of_whole_numbers_is_valid_and_never_grows(size, window):
    if window > size:
        with pytest.raises(InvalidValueError, match="larger than the input"):
            max_pool((size, 5), (window, 1))
        return
    op = max_pool((size, 5), (window, 1))
    out = int(op.output_shape[0])
    assert out == -(-size // window)  # ceiling division, a direct oracle
    assert 1 <= out <= size


def test_symbolic_shapes_are_checked_at_the_values():
    s, d = sp.symbols("s d", positive=True)
    fractional = max_pool((s, 5), (s / d, 1))  # undecidable in symbols: built
    with pytest.raises(InvalidValueError, match="15/4 is not a whole number"):
        fractional.check_values({s: 15.0, d: 4.0})
    whole = max_pool((s, 5), (sp.ceiling(s / d), 1))
    whole.check_values({s: 15.0, d: 4.0})  # 4, 4, 4, 3 synapses per dendrite
    assert whole.describe({s: 15.0, d: 4.0}) == "max-pool 15×5 / [4×1] -> 4×5"


def test_every_built_in_preset_has_valid_shapes_at_its_values():
    import brainflops

    for name in brainflops.list_presets(variants=True):
        model = brainflops.load_preset(name)  # would raise, naming the operation
        values = model.central_values()
        for term in model.terms:
            for op in term.operations:
                if op.kind == "max_pool":
                    for size, window in zip(op.input_shape, op.kernel_shape, strict=True):
                        assert float(window.xreplace(values)) <= float(size.xreplace(values))


def test_a_model_with_a_fractional_window_is_refused_naming_the_stage():
    import brainflops

    dettmers = brainflops.load_preset("dettmers2015")
    with pytest.raises(
        InvalidValueError, match=r"granule cells, dendritic_spikes.*larger than the input"
    ):
        dettmers.with_values(**{"granule.dendrites": 0.5})


def test_shapes_never_parse_text():
    # strict sympify: a shape given as text is refused, never parsed (and so never run)
    with pytest.raises(sp.SympifyError):
        activation(['__import__("os").getcwd()'])


def test_shape_text_is_refused_never_parsed(tmp_path):
    # Shapes are numbers or sympy expressions; sympify(strict=True) refuses text, so a
    # string that would run code if parsed is an error and nothing runs.
    import sympy as sp

    from brainflops.ops import operations

    marker = tmp_path / "ran"
    hostile = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    with pytest.raises(sp.SympifyError):
        operations.dense(hostile, 5)
    assert not marker.exists()
