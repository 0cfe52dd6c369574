"""Read collected submissions: a folder laid out ``<student-id>/<notebook>.ipynb``, or a zip of one.

Everything is read into memory first, so nothing a submission does while it runs can change what
is graded (or the other submissions). Each file becomes a :class:`Submission`; files that cannot be
graded keep a ``problem`` that becomes their gradebook status. Nothing is extracted to disk.

>>> import io, zipfile
>>> buffer = io.BytesIO()
>>> with zipfile.ZipFile(buffer, "w") as z:
...     z.writestr("class/s01/01_salary_by_state.ipynb", "{}")
...     z.writestr("class/s01/notes.txt", "hi")
...     z.writestr("class/__MACOSX/._x", "")
>>> [(s.student_id, s.file, s.problem) for s in read_zip(buffer)]
[('s01', '01_salary_by_state.ipynb', None), ('s01', 'notes.txt', 'not a notebook (.ipynb)')]
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from analysis.core.errors import AnalysisError

MAX_NOTEBOOK_MB = 50
_IGNORED = ("__MACOSX", ".ipynb_checkpoints", ".DS_Store", "Thumbs.db")


class SubmissionsError(AnalysisError):
    """The submissions folder or zip cannot be read at all."""


@dataclass
class Submission:
    """One collected file: whose it is (the folder name), its name, its bytes, or why it cannot be graded."""

    student_id: str
    file: str
    data: bytes | None
    problem: str | None = None


def _ignored(parts) -> bool:
    return any(p in _IGNORED or p.startswith(".") for p in parts)


def _place(parts: list[str], data: bytes | None, size: int) -> Submission:
    if len(parts) < 2:
        return Submission("", "/".join(parts), None, "not in a student's folder (expected <student-id>/<notebook>.ipynb)")
    student_id, file = parts[-2], parts[-1]
    if len(parts) > 2:
        return Submission(student_id, "/".join(parts[1:]), None,
                          "in a sub-folder (expected <student-id>/<notebook>.ipynb)")
    if not file.lower().endswith(".ipynb"):
        return Submission(student_id, file, None, "not a notebook (.ipynb)")
    if size > MAX_NOTEBOOK_MB * 2**20:
        return Submission(student_id, file, None, f"file too large (over {MAX_NOTEBOOK_MB} MB)")
    return Submission(student_id, file, data)


def _strip_wrapper(paths: list[list[str]], known_ids: set[str] | None) -> list[list[str]]:
    """Drop one top folder that holds everything (a zip of the folder itself), unless it is a student's."""
    tops = {p[0] for p in paths}
    if len(tops) == 1 and any(len(p) > 2 for p in paths) and not (known_ids and tops <= known_ids):
        return [p[1:] for p in paths]
    return paths


def read_folder(folder: Path, known_ids: set[str] | None = None) -> list[Submission]:
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    paths = [list(p.relative_to(folder).parts) for p in files]
    keep = [(parts, path) for parts, path in zip(paths, files) if not _ignored(parts)]
    stripped = _strip_wrapper([parts for parts, _ in keep], known_ids)
    found = []
    for parts, (_, path) in zip(stripped, keep):
        size = path.stat().st_size
        wanted = parts[-1].lower().endswith(".ipynb") and size <= MAX_NOTEBOOK_MB * 2**20 and len(parts) == 2
        found.append(_place(parts, path.read_bytes() if wanted else None, size))
    return found


def read_zip(source, known_ids: set[str] | None = None) -> list[Submission]:
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as err:
        raise SubmissionsError(f"{source}: not a readable zip file ({err}). Give a folder of "
                               "<student-id>/<notebook>.ipynb, or a zip of one.") from None
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        paths = [[p for p in PurePosixPath(i.filename.replace("\\", "/")).parts if p not in ("", ".", "..", "/")]
                 for i in infos]
        keep = [(parts, info) for parts, info in zip(paths, infos) if parts and not _ignored(parts)]
        stripped = _strip_wrapper([parts for parts, _ in keep], known_ids)
        found = []
        for parts, (_, info) in zip(stripped, keep):
            wanted = parts[-1].lower().endswith(".ipynb") and info.file_size <= MAX_NOTEBOOK_MB * 2**20 and len(parts) == 2
            data = None
            if wanted:
                try:
                    data = archive.read(info)[: MAX_NOTEBOOK_MB * 2**20 + 1]
                except (zipfile.BadZipFile, OSError, NotImplementedError) as err:
                    found.append(Submission(parts[0], parts[-1], None, f"cannot be read from the zip ({err})"))
                    continue
            found.append(_place(parts, data, info.file_size))
        return found


def read_submissions(path: str | Path, known_ids: set[str] | None = None) -> list[Submission]:
    """Every file of a submissions folder or zip, as :class:`Submission` records."""
    path = Path(path)
    if path.is_dir():
        return read_folder(path, known_ids)
    if path.is_file():
        return read_zip(path, known_ids)
    raise SubmissionsError(f"{path}: no such folder or zip. Give a folder laid out <student-id>/<notebook>.ipynb "
                           "(as collected from an LMS or JupyterHub), or a zip of one.")
