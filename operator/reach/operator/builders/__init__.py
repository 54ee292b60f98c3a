"""Pure functions that turn a custom resource (and its Platform) into Kubernetes manifests.

No I/O here: the handlers apply what these return. Names are deterministic
(`<resource>-<component>`), so a resumed operator converges onto the same objects.
"""
