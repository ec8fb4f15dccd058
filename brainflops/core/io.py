"""Safe file input and output: atomic, exclusive writes and bounded reads.

Writes never leave a half-written file behind and never clobber what they should not:

* :func:`check_output_path` refuses, before any work, an output path that is empty, a
  symbolic link, or an existing non-regular file (directory, device, FIFO, socket), and an
  existing regular file unless overwriting was asked for. Commands call it first, so a
  refusal costs nothing.
* :func:`atomic_write` writes a synced temporary file next to the target and then either
  *links* it to the new name (``os.link`` fails when the name exists, so of two concurrent
  writers without ``overwrite`` exactly one wins and the other's output is refused) or,
  with ``overwrite``, renames it over the old file after checking once more that the old
  one is a regular file.
* :func:`atomic_write_tree` writes a multi-file output (a report) into a temporary folder
  and moves it into place only when every file is written: the reader sees the old folder
  or the new one, never a mix.

Symbolic links are refused as output paths, never followed: writing "through" a link
would replace whatever it points at (``/dev/null``, a file outside the project).

Reads of user files go through :func:`read_limited`, which accepts regular files only and
enforces its byte limit while reading (never trusting ``stat()``, which a FIFO or
``/dev/zero`` would fool).

:func:`figure_png` renders a matplotlib figure to PNG bytes (the plotting style module
writes them with :func:`atomic_write`).
"""

from __future__ import annotations

import errno
import io
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from brainflops.core.errors import InvalidValueError, OutputExistsError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "DEFAULT_DPI",
    "MAX_DPI",
    "UnsafePathError",
    "atomic_write",
    "atomic_write_tree",
    "check_output_dir",
    "check_output_path",
    "figure_png",
    "read_limited",
]

#: Resolution of saved charts unless a caller asks for another (dots per inch).
DEFAULT_DPI = 150
#: Highest resolution accepted: a 10 x 6 inch chart at 1200 dpi is 86 megapixels.
MAX_DPI = 1200


class UnsafePathError(InvalidValueError, OSError):
    """A path names something brainflops must not read or replace (a device, a link...)."""

    def __init__(self, path: str, reason: str) -> None:
        InvalidValueError.__init__(self, path, reason)


def _kind(mode: int) -> str:
    kinds = (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    )
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return path.lstat()
    except FileNotFoundError:
        return None


def check_output_path(
    path: str | os.PathLike[str], *, overwrite: bool = False, force_hint: str = "overwrite=True"
) -> Path:
    """Return ``path`` as a Path if it may be written, else raise; nothing is written.

    A path may be written when it is a new name, or an existing regular file and
    ``overwrite`` is true. Call it before computing what will be written.

    Raises
    ------
    UnsafePathError
        If ``path`` is empty, a symbolic link (even a dangling one), or exists as anything
        but a regular file.
    OutputExistsError
        If ``path`` is an existing regular file and ``overwrite`` is false; the message
        says to pass ``force_hint``.
    """
    text = os.fspath(path)
    if not text:
        raise UnsafePathError("output path", "is empty; give a file name")
    target = Path(text)
    info = _lstat(target)
    if info is None:
        return target
    if stat.S_ISLNK(info.st_mode):
        raise UnsafePathError(text, "is a symbolic link; give the real path of the file")
    if not stat.S_ISREG(info.st_mode):
        raise UnsafePathError(text, f"is {_kind(info.st_mode)}, not a regular file")
    if not overwrite:
        raise OutputExistsError(text, force_hint)
    return target


def _named(exc: OSError, target: Path) -> OSError:
    """The same error naming ``target`` instead of the temporary file."""
    return OSError(exc.errno, exc.strerror or str(exc), str(target))


def _default_mode(full: int = 0o666) -> int:
    # mkstemp/mkdtemp create private entries; give outputs the permissions open() would.
    umask = os.umask(0)
    os.umask(umask)
    return full & ~umask


def _write_temp(target: Path, payload: bytes) -> str:
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, _default_mode())
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return tmp_name


def _link_new(tmp_name: str, target: Path, force_hint: str) -> None:
    """Give the temporary file the name ``target``, which must not exist yet."""
    try:
        os.link(tmp_name, target)
    except FileExistsError:
        raise OutputExistsError(str(target), force_hint) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV):
            raise
        # No hard links on this file system: reserve the name exclusively, then rename.
        try:
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            raise OutputExistsError(str(target), force_hint) from None
        Path(tmp_name).replace(target)


def _replace_regular(tmp_name: str, target: Path, force_hint: str) -> None:
    """Rename the temporary file over ``target``, which must be absent or a regular file."""
    check_output_path(target, overwrite=True, force_hint=force_hint)
    Path(tmp_name).replace(target)


def atomic_write(
    path: str | os.PathLike[str],
    data: str | bytes,
    *,
    overwrite: bool = False,
    force_hint: str = "overwrite=True",
) -> Path:
    """Write ``data`` to ``path`` atomically and safely.

    The data go to a temporary file in the same directory, which is flushed and synced.
    A new name is then created with ``os.link`` (exclusive: if another writer created the
    name meanwhile, this one fails with :class:`OutputExistsError`); with ``overwrite`` an
    existing regular file is replaced with ``os.replace``. An interrupted run leaves the
    old file or the new one, never a partial one. Errors name ``path``, never the
    temporary file.

    Raises
    ------
    UnsafePathError
        If ``path`` is empty, a symbolic link or not a regular file (see
        :func:`check_output_path`).
    OutputExistsError
        If ``path`` exists and ``overwrite`` is false.
    """
    target = check_output_path(path, overwrite=overwrite, force_hint=force_hint)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp_name = _write_temp(target, payload)
    except OSError as exc:
        raise _named(exc, target) from None
    try:
        if overwrite:
            _replace_regular(tmp_name, target, force_hint)
        else:
            _link_new(tmp_name, target, force_hint)
    except OSError as exc:
        if isinstance(exc, OutputExistsError | UnsafePathError):
            raise
        raise _named(exc, target) from None
    finally:
        Path(tmp_name).unlink(missing_ok=True)
    return target


def check_output_dir(
    path: str | os.PathLike[str],
    names: Iterable[str] | None = None,
    *,
    overwrite: bool = False,
    force_hint: str = "overwrite=True",
) -> Path:
    """Return ``path`` if a multi-file output may be written there, else raise.

    The folder must be new or a real directory (not a link). With ``names`` (the
    relative paths to be written), its contents are checked too: an entry that is not
    one of ``names`` (or a folder above one) would be lost when the folder is replaced,
    so it is refused; an entry that is one of ``names`` needs ``overwrite``.
    """
    text = os.fspath(path)
    if not text:
        raise UnsafePathError("output folder", "is empty; give a folder name")
    folder = Path(text)
    info = _lstat(folder)
    if info is None:
        return folder
    if not stat.S_ISDIR(info.st_mode):
        raise UnsafePathError(text, f"is {_kind(info.st_mode)}, not a folder")
    if names is None:
        return folder
    files = {Path(name) for name in names}
    folders = {parent for name in files for parent in name.parents}
    for entry in sorted(folder.rglob("*")):
        relative = entry.relative_to(folder)
        if relative in files and not overwrite:
            raise OutputExistsError(str(entry), force_hint)
        if relative not in files and relative not in folders:
            raise UnsafePathError(
                str(entry), "is not part of this output and would be lost; move it first"
            )
    return folder


def atomic_write_tree(
    path: str | os.PathLike[str],
    files: Mapping[str, str | bytes],
    *,
    overwrite: bool = False,
    force_hint: str = "overwrite=True",
) -> Path:
    """Write ``files`` (relative path -> content) as the folder ``path``, all or nothing.

    Everything is written into a temporary sibling folder first. A new (or empty) folder
    is then claimed exclusively and the new one moved into place with one rename; an
    existing one (``overwrite``; it may hold only files of ``files``, see
    :func:`check_output_dir`) is first renamed aside, the new one renamed in, and the old
    one deleted; if the second rename fails the old folder is put back. Readers see the
    old folder or the new one, never a mix of old and new files; a failure while writing
    leaves the old folder untouched.

    Raises
    ------
    UnsafePathError
        If ``path`` is a link or not a folder, or holds files that are not outputs.
    OutputExistsError
        If one of ``files`` exists and ``overwrite`` is false.
    """
    folder = check_output_dir(path, files, overwrite=overwrite, force_hint=force_hint)
    relative = {name: Path(name) for name in files}
    for name, rel in relative.items():
        if rel.is_absolute() or ".." in rel.parts or not rel.parts:
            raise InvalidValueError(name, "must be a relative path inside the output folder")
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    except OSError as exc:
        raise _named(exc, folder) from None
    try:
        staging.chmod(_default_mode(0o777))
        for name, content in files.items():
            payload = content.encode("utf-8") if isinstance(content, str) else content
            destination = staging / relative[name]
            destination.parent.mkdir(parents=True, exist_ok=True)
            Path(_write_temp(destination, payload)).replace(destination)
        _swap_in(staging, folder, overwrite=overwrite, force_hint=force_hint)
    except OSError as exc:
        if isinstance(exc, OutputExistsError | UnsafePathError):
            raise
        raise _named(exc, folder) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder


def _swap_in(staging: Path, folder: Path, *, overwrite: bool, force_hint: str) -> None:
    if not overwrite:
        try:
            if _lstat(folder) is not None:
                folder.rmdir()  # only an empty folder goes; atomic, fails if filled
            folder.mkdir()  # exclusive claim: a concurrent writer's mkdir fails
        except OSError as exc:
            if exc.errno in (errno.EEXIST, errno.ENOTEMPTY):
                raise OutputExistsError(str(folder), force_hint) from None
            raise
        staging.rename(folder)  # onto our own empty folder
        return
    if _lstat(folder) is None:
        staging.rename(folder)
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old.", dir=folder.parent))
    folder.rename(aside / folder.name)
    try:
        staging.rename(folder)
    except BaseException:
        (aside / folder.name).rename(folder)
        raise
    finally:
        shutil.rmtree(aside, ignore_errors=True)


def read_limited(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of the regular file ``path``, refusing files longer than ``limit``.

    The file is opened without blocking and must be a regular file (a FIFO, device,
    socket or directory is refused before anything is read); at most ``limit + 1`` bytes
    are read, so a file that grows or lies about its size cannot exhaust memory.

    Raises
    ------
    UnsafePathError
        If ``path`` is not a regular file or is longer than ``limit`` bytes.
    OSError
        If it cannot be opened or read.
    """
    text = os.fspath(path)
    if not text:
        raise UnsafePathError("file name", "is empty; give a file")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(text, flags)
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise UnsafePathError(text, f"is {_kind(mode)}, not a regular file")
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise UnsafePathError(text, f"is too large (more than {limit} bytes)")
    return data


def figure_png(fig: Figure, dpi: float = DEFAULT_DPI) -> bytes:
    """Render ``fig`` to PNG bytes at ``dpi`` dots per inch (no pyplot state is touched).

    A figure built with :class:`matplotlib.figure.Figure` directly gets an Agg canvas for
    the rendering; its own ``dpi`` setting is ignored in favour of ``dpi``. ``dpi`` must
    lie in (0, :data:`MAX_DPI`].
    """
    if not 0 < dpi <= MAX_DPI:
        raise InvalidValueError(name="dpi", reason=f"must be in 1..{MAX_DPI}, got {dpi!r}")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
