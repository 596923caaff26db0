"""In-memory fakes of the provenance ports, re-exported by :mod:`rompy.testing`.

:class:`FakeManifestStore` keeps manifests in a :class:`~rompy.testing.FakeWorld` and digests
its in-memory files; :class:`FakeProvenanceFacts` reports fixed versions and programs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from rompy.domain.errors import StagingError
from rompy.ports.provenance import (
    CHANGED,
    EXTRA,
    MISSING,
    Drift,
    FileDigest,
    Manifest,
    VerifyReport,
)

if TYPE_CHECKING:
    from rompy.testing import FakeWorld

FAKE_VERSIONS = {"rompy": "0.0.test", "python": "3.test"}
"""The versions :class:`FakeProvenanceFacts` reports."""


@attrs.define
class FakeManifestStore:
    """Keeps run manifests in ``world.manifests``; digests are SHA-256 of the file texts."""

    world: FakeWorld

    def write(self, staging_dir: Path, manifest: Manifest) -> Path:
        """Keep ``manifest`` as the staging dir's manifest."""
        if staging_dir not in self.world.staging:
            raise StagingError(f"staging dir {staging_dir} does not exist")
        self.world.manifests[staging_dir] = manifest
        return staging_dir / "rompy-manifest.json"

    def read(self, staging_dir: Path) -> Manifest | None:
        """Return the staging dir's manifest, if any."""
        return self.world.manifests.get(staging_dir)

    def digest_files(self, staging_dir: Path) -> tuple[FileDigest, ...]:
        """Digest every file of the in-memory staging dir."""
        files = self.world.staging.get(staging_dir, {})
        return tuple(_digest(name, files[name]) for name in sorted(files))

    def digest_inputs(self, staging_dir: Path) -> tuple[FileDigest, ...]:
        """Digest every file except the outputs the manifest lists."""
        manifest = self.read(staging_dir)
        outputs = {entry.path for entry in manifest.outputs} if manifest else set()
        return tuple(d for d in self.digest_files(staging_dir) if d.path not in outputs)

    def verify(self, staging_dir: Path) -> VerifyReport:
        """Compare the in-memory files with the manifest."""
        manifest = self.read(staging_dir)
        if manifest is None:
            raise StagingError(f"{staging_dir} has no manifest")
        now = {entry.path: entry for entry in self.digest_files(staging_dir)}
        known = {entry.path for entry in (*manifest.inputs, *manifest.outputs)}
        drifts = [Drift(path=path, kind=EXTRA) for path in sorted(set(now) - known)]
        for entry in manifest.inputs:
            if entry.path not in now:
                drifts.append(Drift(path=entry.path, kind=MISSING))
            elif now[entry.path].sha256 != entry.sha256:
                drifts.append(Drift(path=entry.path, kind=CHANGED))
        return VerifyReport(run_dir=staging_dir, drifts=tuple(sorted(drifts, key=str)))


def _digest(name: str, text: str) -> FileDigest:
    data = text.encode("utf-8")
    return FileDigest(path=name, sha256=hashlib.sha256(data).hexdigest(), size=len(data))


@attrs.define
class FakeProvenanceFacts:
    """Plain configs through the app's converter; fixed versions; programs by name only."""

    unstructure: Callable[[Any], Any]

    def plain(self, value: Any) -> Any:
        """Return ``value`` as plain data."""
        return self.unstructure(value)

    def versions(self) -> Mapping[str, str]:
        """Return :data:`FAKE_VERSIONS`."""
        return dict(FAKE_VERSIONS)

    def program(self, command: str, working_dir: Path) -> Mapping[str, Any]:
        """Return the command's first word, resolved nowhere."""
        words = command.split()
        return {"program": words[0] if words else ""}
