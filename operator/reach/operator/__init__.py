"""The Reach operator: Kopf handlers that reconcile Reach's custom resources into workloads.

Layers: `api` (pydantic models, the source of the CRDs), `builders` (pure: custom resource ->
manifests), `handlers` (Kopf: apply manifests, keep status), and the I/O edges `kube`
(server-side apply) and `topology` (RabbitMQ queues, ClickHouse tables). `reach operator run`
starts it.
"""
