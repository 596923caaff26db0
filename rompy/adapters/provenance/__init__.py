"""Run provenance: the JSON manifest of a staging dir, file digests and the facts it records.

:class:`~rompy.adapters.provenance.store.JsonManifestStore` implements the
:class:`~rompy.ports.provenance.ManifestStore` port;
:class:`~rompy.adapters.provenance.facts.SystemProvenanceFacts` implements
:class:`~rompy.ports.provenance.ProvenanceFacts`.
"""
