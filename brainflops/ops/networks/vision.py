"""Reference vision networks: AlexNet and ResNet-50, layer by layer.

Shapes follow the papers; FLOPs come from :func:`~brainflops.ops.operations.op_flops`
(multiply-add = 2 FLOP). Sources: ``../shared/reference/dl_workloads.md`` rows 1, 6a, 6b.
"""

from __future__ import annotations

from brainflops.ops.networks.base import Layer, Network, PublishedFigure
from brainflops.ops.operations import (
    Conv2d,
    Operation,
    activation,
    add,
    conv2d,
    dense,
    norm,
    pool,
)

__all__ = ["alexnet", "resnet50"]

IMAGENET_TRAIN_IMAGES = 1.2e6  # Krizhevsky et al. 2012, abstract ("1.2 million")
_AI_AND_COMPUTE = "Amodei & Hernandez (OpenAI), 'AI and Compute' (2018)"
_HE2015 = "He, Zhang, Ren & Sun, 'Deep Residual Learning for Image Recognition', arXiv:1512.03385"
_TORCHVISION = "torchvision ResNet50_Weights.IMAGENET1K_V1 model page (pytorch.org/vision)"


def _conv_block(name: str, side: int, c_in: int, spec: Conv2d) -> tuple[Layer, int]:
    """AlexNet convolution + ReLU, returning the layer and its output side."""
    conv = conv2d((side, side, c_in), spec, label=name)
    out = int(conv.output_shape[0])
    return Layer(name, (conv, activation((out, out, spec.channels_out)))), out


def _max_pool(
    name: str, side: int, channels: int, window: int = 3, stride: int = 2
) -> tuple[Layer, int]:
    """Overlapping max-pooling (AlexNet's 3x3, stride 2), returning its output side."""
    out = (side - window) // stride + 1
    op = pool((side, side, channels), (out, out, channels), (window, window), "max-pooling")
    return Layer(name, (op,)), out


def alexnet() -> Network:
    """AlexNet (Krizhevsky, Sutskever & Hinton 2012) at 227x227, with its two-GPU groups.

    Local response normalisation (a few operations per element, no weights) and dropout
    are left out, as in the published multiply-add counts.
    """
    conv1, side = _conv_block("conv1 11x11/4", 227, 3, Conv2d(96, 11, 4, 0, bias=True))
    pool1, side = _max_pool("max-pool 1", side, 96)
    conv2, side = _conv_block(
        "conv2 5x5 (2 groups)", side, 96, Conv2d(256, 5, groups=2, bias=True)
    )
    pool2, side = _max_pool("max-pool 2", side, 256)
    conv3, side = _conv_block("conv3 3x3", side, 256, Conv2d(384, bias=True))
    conv4, side = _conv_block("conv4 3x3 (2 groups)", side, 384, Conv2d(384, groups=2, bias=True))
    conv5, side = _conv_block("conv5 3x3 (2 groups)", side, 384, Conv2d(256, groups=2, bias=True))
    pool5, side = _max_pool("max-pool 5", side, 256)
    fc6 = Layer(
        "fc6", (dense(side * side * 256, 4096, bias=True, label="fc6"), activation((1, 4096)))
    )
    fc7 = Layer("fc7", (dense(4096, 4096, bias=True, label="fc7"), activation((1, 4096))))
    fc8 = Layer("fc8", (dense(4096, 1000, bias=True, label="fc8"),))
    layers = (conv1, pool1, conv2, pool2, conv3, conv4, conv5, pool5, fc6, fc7, fc8)
    return Network(
        name="alexnet",
        title="AlexNet (227x227)",
        input_unit="image",
        inputs_per_pass=1,
        layers=layers,
        training_inputs=IMAGENET_TRAIN_IMAGES * 90,
        training_source=(
            "1.2M ImageNet images x ~90 epochs: Krizhevsky et al. 2012, abstract and section 5"
        ),
        published=(
            PublishedFigure(
                "forward_flop",
                0.75e9,
                "multiply-adds per image",
                1.5e9,
                _AI_AND_COMPUTE,
                "Appendix: methods, AlexNet worked example (0.75 G mult-adds); x2 FLOP",
                "derived",
            ),
            PublishedFigure(
                "training_flop",
                0.0054,
                "PF-days",
                4.7e17,
                _AI_AND_COMPUTE,
                "Appendix: methods, AlexNet by operation counting (~4.7e17 FLOP)",
            ),
            PublishedFigure(
                "parameters",
                60e6,
                "parameters",
                60e6,
                "Krizhevsky, Sutskever & Hinton, NeurIPS 2012",
                "abstract ('60 million parameters')",
            ),
        ),
        description="5 convolutions (3 split over two GPUs) and 3 dense layers; 1000 classes",
    )


def _bottleneck(prefix: str, side: int, c_in: int, width: int, stride: int) -> tuple[Layer, int]:
    """ResNet v1.5 bottleneck: 1x1, 3x3 (carries the stride), 1x1 to 4x width, residual."""
    c_out = 4 * width
    reduce = conv2d((side, side, c_in), Conv2d(width, 1), f"{prefix} 1x1 reduce")
    spatial = conv2d((side, side, width), Conv2d(width, 3, stride), f"{prefix} 3x3")
    out = int(spatial.output_shape[0])
    expand = conv2d((out, out, width), Conv2d(c_out, 1), f"{prefix} 1x1 expand")
    ops: list[Operation] = [
        reduce,
        norm((side, side, width), "batch norm"),
        activation((side, side, width)),
        spatial,
        norm((out, out, width), "batch norm"),
        activation((out, out, width)),
        expand,
        norm((out, out, c_out), "batch norm"),
    ]
    if stride != 1 or c_in != c_out:
        ops += [
            conv2d((side, side, c_in), Conv2d(c_out, 1, stride), f"{prefix} 1x1 projection"),
            norm((out, out, c_out), "batch norm"),
        ]
    ops += [add((out, out, c_out)), activation((out, out, c_out))]
    return Layer(prefix, tuple(ops)), out


def resnet50() -> Network:
    """ResNet-50 at 224x224 as torchvision builds it (v1.5: stride on the 3x3 convolution)."""
    stem_conv = conv2d((224, 224, 3), Conv2d(64, 7, 2), "conv1 7x7/2")
    stem = Layer(
        "conv1", (stem_conv, norm((112, 112, 64), "batch norm"), activation((112, 112, 64)))
    )
    stem_pool = Layer(
        "max-pool",
        (pool((112, 112, 64), (56, 56, 64), (3, 3), "max-pooling 3x3/2"),),
    )
    layers = [stem, stem_pool]
    side, channels = 56, 64
    for stage, (blocks, width) in enumerate(((3, 64), (4, 128), (6, 256), (3, 512)), start=2):
        for block in range(blocks):
            stride = 2 if block == 0 and stage > 2 else 1
            layer, side = _bottleneck(f"conv{stage}_{block + 1}", side, channels, width, stride)
            layers.append(layer)
            channels = 4 * width
    layers.append(
        Layer(
            "average pool + fc",
            (
                pool((side, side, channels), (1, 1, channels), (side, side), "global average"),
                dense(channels, 1000, bias=True, label="fc 1000"),
            ),
        )
    )
    return Network(
        name="resnet50",
        title="ResNet-50 (224x224)",
        input_unit="image",
        inputs_per_pass=1,
        layers=tuple(layers),
        training_inputs=600e3 * 256,
        training_source=(
            "600k iterations x mini-batch 256: He et al. 2015, arXiv:1512.03385, section 3.4 "
            "(not re-read for this package: verified = false)"
        ),
        published=(
            PublishedFigure(
                "forward_flop",
                4.09e9,
                "multiply-adds per image (printed as GFLOPS)",
                8.18e9,
                _TORCHVISION,
                "ResNet50_Weights.IMAGENET1K_V1: GFLOPS 4.09 (a multiply-add count); x2 FLOP",
                "derived",
            ),
            PublishedFigure(
                "forward_flop",
                3.8e9,
                "multiply-adds per image (printed as FLOPs)",
                7.6e9,
                _HE2015,
                "Table 1, 'FLOPs' row, 50-layer column (v1, stride on the 1x1); x2 FLOP",
                "derived",
            ),
            PublishedFigure(
                "parameters",
                25_557_032,
                "parameters",
                25_557_032,
                _TORCHVISION,
                "ResNet50_Weights.IMAGENET1K_V1: num_params",
            ),
        ),
        description="bottleneck residual network, 3-4-6-3 blocks, batch norm; 1000 classes",
    )
