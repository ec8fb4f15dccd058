"""Dense transformers: a family parameterised by layers, width, heads, context and vocabulary.

One pass processes a full context window; per-token figures divide by the context. Each
block is attention (layer norm, Q/K/V projection, scores ``Q K^T`` per head, softmax,
weighted values ``A V``, output projection, residual add) followed by a feed-forward
network (layer norm, ``width -> ffn_multiple * width`` dense, GELU, back to ``width``,
residual add); every dense layer has a bias. The attention products are counted for the
whole ``context x context`` matrix, as a dense implementation computes it, also when the
model is causal.

Kaplan et al. (2020, arXiv:2001.08361, section 2.1 and Table 1) approximate the forward
pass by ``2 N + 2 n_layer n_ctx d_model`` FLOP per token (N = non-embedding parameters);
the count here adds the ``A V`` product (another ``2 n_layer n_ctx d_model``), the output
logits of a language model and the element-wise operations.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from brainflops.core.errors import InvalidValueError
from brainflops.ops.networks.base import Layer, Network, PublishedFigure
from brainflops.ops.operations import activation, add, dense, embedding, matmul, norm, softmax

__all__ = [
    "MAX_LAYERS",
    "TrainingRun",
    "TransformerShape",
    "bert",
    "dense_transformer",
    "gpt3",
    "non_embedding_parameters",
]

_MAX_SIZE = 10**7  # per shape argument; keeps sympy integers and float sums well in range
MAX_LAYERS = 1000  # each layer is built as operations, so the count bounds the work
_BROWN2020 = "Brown et al., 'Language Models are Few-Shot Learners', arXiv:2005.14165"
_DEVLIN2018 = "Devlin, Chang, Lee & Toutanova, 'BERT', arXiv:1810.04805"


def _block(index: int, tokens: int, width: int, heads: int, ffn: int) -> Layer:
    head_width = width // heads
    ops = (
        norm((tokens, width), "layer norm"),
        dense(width, 3 * width, tokens, "Q/K/V projection", bias=True),
        matmul(heads, tokens, head_width, tokens, "attention scores Q K^T"),
        softmax((heads, tokens, tokens), "attention softmax"),
        matmul(heads, tokens, tokens, head_width, "attention values A V"),
        dense(width, width, tokens, "attention output projection", bias=True),
        add((tokens, width)),
        norm((tokens, width), "layer norm"),
        dense(width, ffn, tokens, "feed-forward up", bias=True),
        activation((tokens, ffn), "GELU"),
        dense(ffn, width, tokens, "feed-forward down", bias=True),
        add((tokens, width)),
    )
    return Layer(f"block {index}", ops)


@dataclass(frozen=True)
class TransformerShape:
    """The sizes of a dense transformer.

    Checked: integers from 1 to 1e7, at most :data:`MAX_LAYERS` layers, heads divide width.

    Examples
    --------
    >>> TransformerShape(96, 12288, 96, 2048, 50257).head_width
    128
    """

    layers: int
    width: int
    heads: int
    context: int
    vocabulary: int
    ffn_multiple: int = 4

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if (
                isinstance(value, bool)
                or not isinstance(value, int)
                or not 1 <= value <= _MAX_SIZE
            ):
                raise InvalidValueError(
                    name=name, reason=f"must be an integer from 1 to {_MAX_SIZE}, got {value!r}"
                )
        if self.layers > MAX_LAYERS:
            raise InvalidValueError(
                name="layers", reason=f"at most {MAX_LAYERS} layers, got {self.layers}"
            )
        if self.width % self.heads:
            raise InvalidValueError(
                name="heads", reason=f"{self.heads} heads do not divide width {self.width}"
            )

    @property
    def head_width(self) -> int:
        """Width of one attention head."""
        return self.width // self.heads


@dataclass(frozen=True)
class TrainingRun:
    """Tokens (or examples) of a reference training run, and where that number comes from."""

    inputs: float
    source: str


def dense_transformer(
    shape: TransformerShape,
    name: str = "dense-transformer",
    title: str | None = None,
    training: TrainingRun | None = None,
    published: tuple[PublishedFigure, ...] = (),
) -> Network:
    """A GPT-style decoder: learned token and position embeddings, blocks, final layer norm,
    and output logits through the embedding table (tied, so its weights count once).

    Examples
    --------
    >>> net = dense_transformer(TransformerShape(2, 64, 4, 16, 100))
    >>> net.parameter_count() == 2 * (12 * 64**2 + 13 * 64) + (100 + 16) * 64 + 2 * 64
    True
    """
    tokens, width = shape.context, shape.width
    stack = [
        Layer(
            "embeddings",
            (
                embedding(tokens, shape.vocabulary, width, "token embedding"),
                embedding(tokens, shape.context, width, "position embedding"),
                add((tokens, width), "embedding sum"),
            ),
        )
    ]
    ffn = shape.ffn_multiple * width
    stack += [_block(i + 1, tokens, width, shape.heads, ffn) for i in range(shape.layers)]
    stack.append(Layer("final layer norm", (norm((tokens, width), "layer norm"),)))
    stack.append(
        Layer(
            "output logits (tied to the token embedding)",
            (dense(width, shape.vocabulary, tokens, "logits"),),
            shared_weights=True,
        )
    )
    return Network(
        name=name,
        title=title or f"dense transformer ({shape.layers} layers, width {width})",
        input_unit="token",
        inputs_per_pass=tokens,
        layers=tuple(stack),
        training_inputs=None if training is None else training.inputs,
        training_source="" if training is None else training.source,
        published=published,
        description=(
            f"{shape.layers} layers, width {width}, {shape.heads} heads, context "
            f"{shape.context}, vocabulary {shape.vocabulary}, feed-forward "
            f"{shape.ffn_multiple}x width"
        ),
        shape=asdict(shape),
    )


def non_embedding_parameters(network: Network) -> int:
    """Parameters outside the embedding tables (Kaplan's N), from the layer shapes."""
    return sum(layer.parameters() for layer in network.layers if layer.name != "embeddings")


def gpt3() -> Network:
    """GPT-3 175B: 96 layers, width 12288, 96 heads, context 2048, 50257-token vocabulary
    (Brown et al. 2020, Table 2.1), trained on 300 billion tokens (Table D.1)."""
    return dense_transformer(
        TransformerShape(96, 12288, 96, 2048, 50257),
        name="gpt3-175b",
        title="GPT-3 175B",
        training=TrainingRun(
            300e9, "300 billion tokens: Brown et al. 2020, arXiv:2005.14165, Table D.1"
        ),
        published=(
            PublishedFigure(
                "training_flop",
                3.64e3,
                "PF-days",
                3.14e23,
                _BROWN2020,
                "Appendix D, Table D.1 ('Total train compute': 3.14E+23 FLOP)",
            ),
            PublishedFigure("parameters", 175.0e9, "parameters", 175.0e9, _BROWN2020, "Table 2.1"),
            PublishedFigure(
                "forward_flop",
                2 * 175e9,
                "FLOP per token (2N rule)",
                3.5e11,
                "Kaplan et al., arXiv:2001.08361",
                "section 2.1, Eq. (2.2): about 2N FLOP per token; N = 175e9",
                "derived",
            ),
        ),
    )


def bert(size: str) -> Network:
    """BERT-base or BERT-large encoder with its pooler, at a 512-token context.

    Embeddings: 30522 word pieces, 512 positions, 2 segment types, then a layer norm
    (Devlin et al. 2018, section 3 and Appendix A.2). The masked-language-model head is
    left out of the parameters and FLOPs, as in the published 110M and 340M counts.
    """
    shapes = {"base": (12, 768, 12, 110e6), "large": (24, 1024, 16, 340e6)}
    if size not in shapes:
        raise InvalidValueError(name="size", reason=f"expected 'base' or 'large', got {size!r}")
    layers, width, heads, reported_parameters = shapes[size]
    tokens, vocabulary = 512, 30522
    stack = [
        Layer(
            "embeddings",
            (
                embedding(tokens, vocabulary, width, "word-piece embedding"),
                embedding(tokens, tokens, width, "position embedding"),
                embedding(tokens, 2, width, "segment embedding"),
                add((tokens, width), "embedding sum"),
                add((tokens, width), "embedding sum"),
                norm((tokens, width), "layer norm"),
            ),
        )
    ]
    stack += [_block(i + 1, tokens, width, heads, 4 * width) for i in range(layers)]
    stack.append(Layer("pooler", (dense(width, width, 1, "pooler", bias=True),)))
    published = [
        PublishedFigure(
            "parameters",
            reported_parameters,
            "parameters",
            reported_parameters,
            _DEVLIN2018,
            "section 3 (model architecture)",
        )
    ]
    if size == "large":
        published.append(
            PublishedFigure(
                "training_flop",
                2.85e20,
                "FLOP",
                2.85e20,
                "Epoch AI notable-models data, row 'BERT-Large' (a third-party estimate; "
                "Data: Epoch AI (epoch.ai), CC BY 4.0)",
                "brainflops/data/ml/epoch_notable_models.csv",
            )
        )
    return Network(
        name=f"bert-{size}",
        title=f"BERT-{size.capitalize()}",
        input_unit="token",
        inputs_per_pass=tokens,
        layers=tuple(stack),
        training_inputs=128_000 * 1_000_000,
        training_source=(
            "1,000,000 steps x 128,000 tokens per batch: Devlin et al. 2018, Appendix A.2 "
            "(counted at the 512-token length throughout; the paper used 128 for 90% of steps)"
        ),
        published=tuple(published),
        description=(
            f"encoder, {layers} layers, width {width}, {heads} heads, context {tokens}, "
            f"vocabulary {vocabulary}"
        ),
        shape={"layers": layers, "width": width, "heads": heads, "context": tokens},
    )
