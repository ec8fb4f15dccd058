"""Reference networks priced by op_flops, checked against published figures.

Figures and locators: ../shared/reference/dl_workloads.md (rows cited per test).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brainflops.core.errors import InvalidValueError, ScenarioError, UnknownNameError
from brainflops.models.network_file import load_network_file, network_from_text
from brainflops.ops import operations as ops
from brainflops.ops.networks import (
    TransformerShape,
    dense_transformer,
    get_network,
    list_networks,
    non_embedding_parameters,
)


def test_reference_networks_are_listed():
    assert set(list_networks()) == {"alexnet", "resnet50", "bert-base", "bert-large", "gpt3-175b"}
    with pytest.raises(UnknownNameError, match="resnet50"):
        get_network("resnet-50")


def test_resnet50_forward_matches_published_multiply_adds():
    # dl_workloads.md row 1: He et al. 2015 Table 1 and torchvision: ~4.1e9 multiply-adds per
    # 224x224 image, i.e. 2 x 4.1e9 FLOP at 2 FLOP per multiply-add.
    net = get_network("resnet50")
    assert net.forward_flop() == pytest.approx(2 * 4.1e9, rel=0.10)
    # The convolutions and the classifier alone are the multiply-adds torchvision counts (4.09 G).
    kinds = net.flops_by_kind()
    assert (kinds["conv2d"] + kinds["dense"]) / 2 == pytest.approx(4.09e9, rel=0.01)


def test_parameter_counts_match_published_figures():
    # torchvision num_params 25,557,032 (dl_workloads.md row 1); BERT 110M and 340M
    # (Devlin et al. section 3, rows 2a-2b); GPT-3 175B (Brown et al. Table 2.1); AlexNet 60M
    # (Krizhevsky et al. abstract, row 6a; Gholami: 61M).
    assert get_network("resnet50").parameter_count() == 25_557_032
    assert get_network("bert-base").parameter_count() == pytest.approx(110e6, rel=0.02)
    assert get_network("bert-large").parameter_count() == pytest.approx(340e6, rel=0.02)
    assert get_network("gpt3-175b").parameter_count() == pytest.approx(175e9, rel=0.01)
    assert get_network("alexnet").parameter_count() == pytest.approx(61e6, rel=0.01)


def test_gpt3_training_compute_matches_brown_table_d1():
    # dl_workloads.md row 3: 3.14e23 FLOP, Brown et al. 2020 Appendix D Table D.1.
    net = get_network("gpt3-175b")
    assert net.training_flop() == pytest.approx(3.14e23, rel=0.05)
    assert net.published_figure("training_flop").value == 3.14e23


def test_alexnet_against_openai_operation_count():
    # dl_workloads.md row 6b: 0.75 G multiply-adds per image; ~4.7e17 FLOP for 90 epochs.
    net = get_network("alexnet")
    assert net.forward_flop() == pytest.approx(2 * 0.75e9, rel=0.10)
    assert net.training_flop() == pytest.approx(4.7e17, rel=0.10)


def test_transformer_training_close_to_6nd():
    # Kaplan et al. section 2.1 (dl_workloads.md rows 4-5): C ~ 6 N D, N non-embedding.
    net = get_network("gpt3-175b")
    n = non_embedding_parameters(net)
    tokens = 300e9
    assert net.training_flop(tokens) == pytest.approx(6 * n * tokens, rel=0.05)
    # and the forward pass is close to 2N per token (row 4)
    assert net.forward_flop() == pytest.approx(2 * n, rel=0.05)


@settings(max_examples=25, deadline=None)
@given(
    layers=st.integers(1, 4),
    head_width=st.sampled_from([8, 16, 32]),
    heads=st.integers(1, 8),
    context=st.integers(1, 64),
    vocabulary=st.integers(2, 500),
)
def test_transformer_forward_against_kaplan_closed_form(
    layers, head_width, heads, context, vocabulary
):
    """Forward FLOP per token = 2N + 4 L n_ctx d + 2 d V + element-wise terms (closed form)."""
    width = heads * head_width
    net = dense_transformer(TransformerShape(layers, width, heads, context, vocabulary))
    n = 12 * layers * width**2 + 13 * layers * width  # non-embedding weights and biases
    assert non_embedding_parameters(net) == n + 2 * width  # + the final layer norm
    matmuls = 2 * (12 * layers * width**2) + 4 * layers * context * width + 2 * width * vocabulary
    elementwise = layers * (2 * 7 * width + 5 * heads * context + 4 * width + 2 * width) + (
        7 * width + width
    )
    assert net.forward_flop() == pytest.approx(matmuls + elementwise, rel=1e-12)
    assert net.training_flop(1000) == pytest.approx(3 * 1000 * net.forward_flop())


def test_activation_sizes_and_bytes():
    net = get_network("bert-base")
    sizes = dict(net.activation_sizes())
    assert sizes["block 1"] == 768  # one token's hidden state
    resnet = dict(get_network("resnet50").activation_sizes())
    assert resnet["conv1"] == 112 * 112 * 64
    assert net.bytes_moved("bf16") == pytest.approx(net.bytes_moved("fp32") / 2)


def test_new_operation_costs():
    assert int(ops.softmax((2, 3)).flops) == 5 * 6
    assert int(ops.norm((4, 10)).flops) == 7 * 40
    assert int(ops.norm((4, 10)).weights) == 20
    assert int(ops.embedding(7, 100, 16).flops) == 0
    assert int(ops.embedding(7, 100, 16).elements_moved()) == 7 + 2 * 7 * 16
    assert int(ops.add((3, 3)).elements_moved()) == 27
    mm = ops.matmul(2, 3, 4, 5, "scores")
    assert int(mm.flops) == 2 * 2 * 3 * 4 * 5
    assert int(mm.weights) == 0
    assert int(ops.dense(10, 20, 3, bias=True).weights) == 220
    grouped = ops.conv2d((27, 27, 96), ops.Conv2d(256, 5, groups=2))
    assert int(grouped.flops) == 2 * 27 * 27 * 256 * 5 * 5 * 48
    with pytest.raises(InvalidValueError):
        ops.conv2d((4, 4, 3), ops.Conv2d(8, kernel=7, padding=0))


def test_training_flop_needs_a_positive_count():
    net = dense_transformer(TransformerShape(1, 8, 2, 4, 10))
    with pytest.raises(InvalidValueError):
        net.training_flop()
    with pytest.raises(InvalidValueError):
        get_network("resnet50").training_flop(-1)
    with pytest.raises(InvalidValueError):
        TransformerShape(1, 10, 3, 4, 10)  # heads do not divide width


TRANSFORMER_FILE = """\
[network]
name = "gpt3-file"
type = "transformer"
layers = 96
width = 12288
heads = 96
context = 2048
vocabulary = 50257
training_tokens = 3e11
"""


def test_network_file_transformer_reproduces_gpt3(tmp_path):
    path = tmp_path / "net.toml"
    path.write_text(TRANSFORMER_FILE, encoding="utf-8")
    net = load_network_file(path)
    assert net.training_flop() == pytest.approx(get_network("gpt3-175b").training_flop())


def test_network_file_sequential():
    text = """\
[network]
name = "small"
type = "sequential"
input = [32, 32, 3]

[[layers]]
op = "conv2d"
channels = 16
kernel = 3

[[layers]]
op = "relu"

[[layers]]
op = "max_pool"
window = 2

[[layers]]
op = "dense"
features = 10
"""
    net = network_from_text(text)
    conv = 2 * 32 * 32 * 16 * 3 * 3 * 3
    relu = 32 * 32 * 16
    pooling = 16 * 16 * 16 * 4
    fc = 2 * 16 * 16 * 16 * 10
    assert net.forward_flop() == conv + relu + pooling + fc
    assert net.parameter_count() == 3 * 3 * 3 * 16 + 16 * 16 * 16 * 10


def test_network_file_problems_are_line_numbered(tmp_path):
    text = '[network]\nname = "x"\ntype = "transformer"\nlayers = 0\nwidth = 8.5\nheads = 2\n'
    with pytest.raises(ScenarioError) as info:
        network_from_text(text, "f.toml")
    problems = info.value.problems
    assert any(p.startswith("f.toml:4: network.layers") for p in problems)
    assert any(p.startswith("f.toml:5: network.width") for p in problems)
    assert any("network.context: is required" in p for p in problems)
    with pytest.raises(ScenarioError, match="regular file"):
        load_network_file(tmp_path)
    big = tmp_path / "big.toml"
    big.write_text("#" * 1_000_001, encoding="utf-8")
    with pytest.raises(ScenarioError, match="too large"):
        load_network_file(big)
    with pytest.raises(ScenarioError, match="invalid TOML"):
        network_from_text("[network\n")
    with pytest.raises(ScenarioError, match="unknown key"):
        network_from_text('[network]\nname="x"\ntype="transformer"\nevil = "__import__"\n')
    assert math.isfinite(get_network("bert-base").forward_flop())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            (
                '[network]\nname="x"\ntype="transformer"\nlayers=2\nwidth=10\nheads=3\n'
                "context=4\nvocabulary=10\n"
            ),
            "heads do not divide width",
        ),
        (
            (
                '[network]\nname="x"\ntype="transformer"\nlayers=5000\nwidth=8\nheads=2\n'
                "context=4\nvocabulary=10\n"
            ),
            "at most 1000 layers",
        ),
        ('[network]\nname="x"\ntype="sequential"\ninput=[8, 8]\n', "network.input"),
        (
            (
                '[network]\nname="x"\ntype="sequential"\ninput=[8,8,3]\n\n[[layers]]\nop="dense"\n'
                'features=4\n\n[[layers]]\nop="conv2d"\nchannels=2\nkernel=3\n'
            ),
            "f.toml:10: layers[1]: conv2d needs an image-shaped input",
        ),
        (
            '[network]\nname="x"\ntype="sequential"\ninput=[8,8,3]\n\n[[layers]]\nop="eval"\n',
            "f.toml:7: layers[0].op: must be one of",
        ),
        ('[network]\nname="x"\ntype="rnn"\n', "f.toml:3: network.type"),
    ],
)
def test_network_file_rejects_bad_networks(text, message):
    with pytest.raises(ScenarioError) as info:
        network_from_text(text, "f.toml")
    assert any(message in problem for problem in info.value.problems), info.value.problems


_SHAPES = st.lists(st.integers(1, 50), min_size=1, max_size=3)


@settings(max_examples=40, deadline=None)
@given(shape=_SHAPES, kind=st.sampled_from(["softmax", "norm", "add", "activation"]))
def test_elementwise_costs_scale_with_elements_and_precision(shape, kind):
    op = {"softmax": ops.softmax, "norm": ops.norm, "add": ops.add, "activation": ops.activation}[
        kind
    ](shape)
    elements = math.prod(shape)
    per_element = {"softmax": 5, "norm": 7, "add": 1, "activation": 1}[kind]
    assert int(op.flops) == per_element * elements
    assert int(op.bytes_moved("fp32")) == 2 * int(op.bytes_moved("bf16")) > 0
