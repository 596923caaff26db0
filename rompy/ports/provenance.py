"""The provenance port: every staging dir holds a run manifest that proves what ran.

``rompy-manifest.json`` records the resolved config, the SHA-256 of every generated and staged
input file, the data sources and their crop windows, versions (rompy, plugins, Python, key
libraries, the model build), and once the run executed: the executor, what it ran, host, user,
times and outcome. :meth:`ManifestStore.verify` recomputes the hashes. Design notes:
``docs/design/ensembles.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

import attrs

from rompy.domain.errors import StagingError

MANIFEST_NAME = "rompy-manifest.json"
CHANGED = "changed"
MISSING = "missing"
EXTRA = "extra"


@attrs.frozen(kw_only=True)
class FileDigest:
    """One input file's identity.

    Attributes:
        path: Path relative to the staging dir, with ``/`` separators.
        sha256: Hex digest of its content.
        size: Bytes.
    """

    path: str
    sha256: str
    size: int


@attrs.frozen(kw_only=True)
class Manifest:
    """What a run was made from and, once it ran, what happened.

    Attributes:
        run_id: The run's id.
        config: The resolved pipeline or model-run config, as plain data.
        inputs: Every generated and staged input file, sorted by path.
        sources: The data items' source identities and crop windows (plain data).
        versions: Package name to version (rompy, plugins, python, key libraries).
        model: Facts of the model build (name, version, executable digest, flags, image).
        host: Host that generated the run.
        user: User that generated it.
        generated_at: ISO time of generation (UTC).
        execution: The executor and what it ran (command, job id, image digest), once run.
        started_at: ISO time execution started, once run.
        ended_at: ISO time execution ended, once run.
        outcome: The final status (``succeeded``, ``failed``, ...), once run.
        message: The outcome's one-line reason.
        outputs: Files that appeared in the staging dir during the run (model outputs and
            executor logs), sorted by path; :meth:`ManifestStore.verify` does not report them.
    """

    run_id: str
    config: Mapping[str, Any]
    inputs: tuple[FileDigest, ...] = ()
    sources: tuple[Mapping[str, Any], ...] = ()
    versions: Mapping[str, str] = attrs.field(factory=dict)
    model: Mapping[str, Any] = attrs.field(factory=dict)
    host: str = ""
    user: str = ""
    generated_at: str = ""
    execution: Mapping[str, Any] = attrs.field(factory=dict)
    started_at: str | None = None
    ended_at: str | None = None
    outcome: str | None = None
    message: str = ""
    outputs: tuple[FileDigest, ...] = ()

    @property
    def succeeded(self) -> bool:
        """True when the run executed and succeeded."""
        return self.outcome == "succeeded"


@attrs.frozen(kw_only=True)
class Drift:
    """One input file that no longer matches the manifest.

    Attributes:
        path: Path relative to the staging dir.
        kind: ``changed``, ``missing`` or ``extra``.
        detail: Human explanation (old and new digest, say).
    """

    path: str
    kind: str
    detail: str = ""


@attrs.frozen(kw_only=True)
class VerifyReport:
    """The result of checking a staging dir against its manifest.

    Attributes:
        run_dir: The staging dir checked.
        drifts: Every changed, missing or extra input, sorted by path.
    """

    run_dir: Path
    drifts: tuple[Drift, ...] = ()

    @property
    def ok(self) -> bool:
        """True when every input matches."""
        return not self.drifts


class ManifestStore(Protocol):
    """Writes, reads and verifies the manifest of a staging dir."""

    def write(self, staging_dir: Path, manifest: Manifest) -> Path:
        """Write ``manifest`` atomically into ``staging_dir``; return its path."""
        ...

    def read(self, staging_dir: Path) -> Manifest | None:
        """Return the staging dir's manifest, or None when it has none."""
        ...

    def digest_inputs(self, staging_dir: Path) -> tuple[FileDigest, ...]:
        """Hash the staging dir's input files (outputs, logs and the manifest left out)."""
        ...

    def digest_files(self, staging_dir: Path) -> tuple[FileDigest, ...]:
        """Hash every file of the staging dir but the manifest (outputs included)."""
        ...

    def verify(self, staging_dir: Path) -> VerifyReport:
        """Recompute the input hashes and compare them with the manifest's.

        Raises:
            StagingError: The staging dir or its manifest does not exist.
        """
        ...


class ProvenanceFacts(Protocol):
    """Facts a manifest records that only the outside world knows."""

    def plain(self, value: Any) -> Any:
        """Return ``value`` (a model run, an execution spec) as plain JSON data."""
        ...

    def versions(self) -> Mapping[str, str]:
        """Return the versions of rompy, its plugins, Python and the key libraries."""
        ...

    def program(self, command: str, working_dir: Path) -> Mapping[str, Any]:
        """Describe the executable that ``command``'s first word resolves to.

        Returns:
            The word, the resolved path, its SHA-256 and size, and the content of a
            ``<executable>.build.json`` file beside it when there is one; only the word
            when it resolves to nothing.
        """
        ...


class NoManifests:
    """The manifest store of an application built without one: records nothing."""

    def write(self, staging_dir: Path, manifest: Manifest) -> Path:
        """Write nothing; return where the manifest would be."""
        return staging_dir / MANIFEST_NAME

    def read(self, staging_dir: Path) -> Manifest | None:
        """There is never a manifest."""
        return None

    def digest_inputs(self, staging_dir: Path) -> tuple[FileDigest, ...]:
        """Hash nothing."""
        return ()

    def digest_files(self, staging_dir: Path) -> tuple[FileDigest, ...]:
        """Hash nothing."""
        return ()

    def verify(self, staging_dir: Path) -> VerifyReport:
        """Refuse: there is no manifest to verify against.

        Raises:
            StagingError: Always.
        """
        raise StagingError(
            f"cannot verify {staging_dir}: this application has no manifest store; "
            "build it with rompy.application.bootstrap()"
        )


class NoProvenanceFacts:
    """The provenance facts of an application built without them: nothing is known."""

    def plain(self, value: Any) -> Any:
        """Return an empty mapping (the value is not described)."""
        return {}

    def versions(self) -> Mapping[str, str]:
        """Return no versions."""
        return {}

    def program(self, command: str, working_dir: Path) -> Mapping[str, Any]:
        """Return nothing about the program."""
        return {}
