"""Device-to-device links (``data/interconnects.toml``) and traffic measured against them.

Every link is one direction of one port, in bytes per second. The brain plan compares
per-device partition traffic with each link (:class:`LinkLoad`); the training plan times
gradient all-reduces and activation exchanges over the chosen link.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from brainflops.core.errors import UnknownNameError
from brainflops.params.assumption_files import interconnects

__all__ = ["Link", "LinkLoad", "get_links"]


@dataclass(frozen=True, slots=True)
class Link:
    """One link of the interconnect table: per-direction bandwidth (B/s) and its source key."""

    name: str
    bandwidth: float
    source: str


def get_links(names: Iterable[str] | None = None) -> tuple[Link, ...]:
    """The named links (default: every link, in file order).

    Raises
    ------
    UnknownNameError
        A name is not a link of ``data/interconnects.toml``.

    Examples
    --------
    >>> [(link.name, link.bandwidth) for link in get_links(["pcie4_x16"])]
    [('pcie4_x16', 31500000000.0)]
    """
    known = interconnects()
    wanted = list(known) if names is None else list(names)
    out = []
    for name in wanted:
        if name not in known:
            raise UnknownNameError(kind="link", name=name, known=known)
        parameter = known[name]
        out.append(Link(name, float(parameter.quantity.m_as("B/s")), parameter.source))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class LinkLoad:
    """Partition traffic per device compared with one link's per-direction bandwidth.

    ``model_parallel`` and ``data_parallel`` are traffic / bandwidth (above 1: the link
    cannot carry it); None when the traffic is unknown.
    """

    name: str
    bandwidth: float
    model_parallel: float | None
    data_parallel: float | None
    source: str

    @classmethod
    def of(cls, link: Link, model_parallel: float | None, data_parallel: float | None) -> LinkLoad:
        """Loads of ``link`` from traffic per device in B/s (None when unknown)."""
        return cls(
            link.name,
            link.bandwidth,
            None if model_parallel is None else model_parallel / link.bandwidth,
            None if data_parallel is None else data_parallel / link.bandwidth,
            link.source,
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain mapping (JSON-ready)."""
        return {
            "link": self.name,
            "bandwidth_bytes_per_second": self.bandwidth,
            "model_parallel_utilization": self.model_parallel,
            "data_parallel_utilization": self.data_parallel,
            "source": self.source,
        }
