"""The JSON manifest store: ``rompy-manifest.json`` in the staging dir.

The file is written atomically (a temporary file in the same folder, then ``os.replace``),
with sorted keys and an indent of two, so two manifests of one run compare line by line.

Inputs are the files the manifest lists under ``inputs``; files it lists under ``outputs``
(written by the model and the executor during the run) are neither inputs nor extra.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from rompy.adapters.provenance.digests import TEMP_PREFIX, digest_files, digest_of, list_files
from rompy.domain.errors import StagingError
from rompy.log import get_logger
from rompy.ports.provenance import (
    CHANGED,
    EXTRA,
    MANIFEST_NAME,
    MISSING,
    Drift,
    FileDigest,
    Manifest,
    VerifyReport,
)

log = get_logger(__name__)

FORMAT_VERSION = 1
"""The ``format`` of the manifests this store writes."""

SHORT_DIGEST = 12
"""How many hex digits of a digest a drift's detail shows."""

_DIGEST_LISTS = ("inputs", "outputs")


def manifest_to_data(manifest: Manifest) -> dict[str, Any]:
    """Return ``manifest`` as plain JSON data, with its ``format`` number."""
    data = attrs.asdict(manifest)
    return {"format": FORMAT_VERSION, **data}


def manifest_from_data(data: Mapping[str, Any]) -> Manifest:
    """Build a manifest from plain data; unknown keys (from newer writers) are ignored.

    Raises:
        KeyError, TypeError, ValueError: The data is not a manifest.
    """
    known = {field.name for field in attrs.fields(Manifest)}
    values = {key: value for key, value in data.items() if key in known}
    for key in _DIGEST_LISTS:
        values[key] = tuple(FileDigest(**entry) for entry in values.get(key, ()))
    values["sources"] = tuple(values.get("sources", ()))
    return Manifest(**values)


class JsonManifestStore:
    """Writes, reads and verifies ``rompy-manifest.json`` (implements ``ManifestStore``)."""

    def write(self, staging_dir: Path, manifest: Manifest) -> Path:
        """Write ``manifest`` into ``staging_dir`` atomically; return its path.

        Raises:
            StagingError: The staging dir does not exist or cannot be written.
        """
        target = staging_dir / MANIFEST_NAME
        text = json.dumps(manifest_to_data(manifest), indent=2, sort_keys=True, default=str)
        try:
            handle, temporary = tempfile.mkstemp(dir=staging_dir, prefix=TEMP_PREFIX)
        except FileNotFoundError as error:
            raise StagingError.missing(staging_dir) from error
        except OSError as error:
            raise StagingError(f"cannot write the manifest {target}: {error}") from error
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(text + "\n")
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        log.debug("manifest_written", path=str(target), inputs=len(manifest.inputs))
        return target

    def read(self, staging_dir: Path) -> Manifest | None:
        """Return the manifest of ``staging_dir``, or None when it has none.

        Raises:
            StagingError: The manifest exists but is not a manifest this store can read.
        """
        path = staging_dir / MANIFEST_NAME
        try:
            text = path.read_text(encoding="utf-8")
        except (FileNotFoundError, NotADirectoryError):
            return None
        try:
            return manifest_from_data(json.loads(text))
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            raise StagingError(
                f"{path} is not a readable rompy manifest ({error}); generate the run again "
                "to write a new one"
            ) from error

    def digest_inputs(self, staging_dir: Path) -> tuple[FileDigest, ...]:
        """Hash every file of ``staging_dir`` except the manifest and its recorded outputs."""
        manifest = self.read(staging_dir)
        outputs = {entry.path for entry in manifest.outputs} if manifest else set()
        names = [name for name in list_files(staging_dir) if name not in outputs]
        return digest_files(staging_dir, names)

    def digest_files(self, staging_dir: Path) -> tuple[FileDigest, ...]:
        """Hash every file of ``staging_dir`` except the manifest (outputs included)."""
        return digest_files(staging_dir, list_files(staging_dir))

    def verify(self, staging_dir: Path) -> VerifyReport:
        """Compare ``staging_dir``'s files with its manifest: changed, missing, extra inputs.

        Raises:
            StagingError: The staging dir or its manifest does not exist.
        """
        if not staging_dir.is_dir():
            raise StagingError(
                f"run dir {staging_dir} does not exist; give a run's staging dir "
                "(<output_dir>/<run_id>)"
            )
        manifest = self.read(staging_dir)
        if manifest is None:
            raise StagingError(
                f"{staging_dir} has no {MANIFEST_NAME}; give a run's staging dir "
                "(<output_dir>/<run_id>), or generate the run again to write its manifest"
            )
        present = set(list_files(staging_dir))
        known = {entry.path for entry in (*manifest.inputs, *manifest.outputs)}
        drifts = [_drift(staging_dir, entry, present) for entry in manifest.inputs]
        found = [drift for drift in drifts if drift is not None]
        found += [
            Drift(path=name, kind=EXTRA, detail="not in the manifest") for name in present - known
        ]
        return VerifyReport(run_dir=staging_dir, drifts=tuple(sorted(found, key=_order)))


def _drift(root: Path, entry: FileDigest, present: set[str]) -> Drift | None:
    """Return how ``entry`` drifted, or None when the file still matches it."""
    if entry.path not in present:
        return Drift(path=entry.path, kind=MISSING, detail="in the manifest, not on disk")
    now = digest_of(root, entry.path)
    if now.sha256 == entry.sha256:
        return None
    detail = f"sha256 {entry.sha256[:SHORT_DIGEST]}… -> {now.sha256[:SHORT_DIGEST]}…"
    return Drift(path=entry.path, kind=CHANGED, detail=detail)


def _order(drift: Drift) -> tuple[str, str]:
    return drift.path, drift.kind
