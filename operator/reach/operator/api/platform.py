"""Platform: the shared services (api, gateway, ingest, the scraper's API and listeners), their
stores and the schema job."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from reach.operator.api.common import (
    AGE_COLUMN,
    READY_COLUMN,
    REASON_COLUMN,
    Column,
    CustomResource,
    Model,
    SecretValue,
    Status,
    Stores,
)

DEFAULT_IMAGE = "reach/reach:0.1.0"


class Resources(Model):
    """Container resources, in Kubernetes quantities."""

    cpu_request: str = Field(default="100m", max_length=32)
    memory_request: str = Field(default="256Mi", max_length=32)
    cpu_limit: str | None = Field(default=None, max_length=32)
    memory_limit: str = Field(default="1Gi", max_length=32)


class Service(Model):
    """A Deployment's size; more than one replica also gets a PodDisruptionBudget."""

    replicas: int = Field(default=2, ge=0, le=100)
    resources: Resources = Field(default_factory=Resources)


class GatewayKeys(Model):
    """The gateway's keys, each from a Secret key."""

    jwt: SecretValue = Field(
        description="HS256 key (>= 32 bytes) that session tokens are signed with."
    )
    signing: SecretValue = Field(
        description="HMAC key of the x-bb-* headers the gateway sets; the API gets it too and "
        "refuses requests it did not sign."
    )


class Gateway(Service):
    keys: GatewayKeys


class Ingress(Model):
    enabled: bool = False
    host: str | None = Field(default=None, max_length=253)
    class_name: str | None = Field(default=None, max_length=253)
    tls_secret_name: str | None = Field(default=None, max_length=253)


class PlatformSpec(Model):
    image: str = Field(default=DEFAULT_IMAGE, max_length=512, description="The Reach image.")
    image_pull_policy: Literal["Always", "IfNotPresent", "Never"] = "IfNotPresent"
    stores: Stores
    api: Service = Field(default_factory=Service)
    gateway: Gateway
    ingest: Service = Field(default_factory=Service)
    scraper_api: Service = Field(
        default_factory=Service,
        description="`reach scraper api`: where the API sends missing or stale profiles.",
    )
    listeners: Service = Field(
        default_factory=Service,
        description="`reach scraper listen`: credential, keyword-collection and sentiment "
        "requests from RabbitMQ turned into scraper tasks.",
    )
    ingress: Ingress = Field(default_factory=Ingress)


class Platform(CustomResource):
    kind = "Platform"
    plural = "platforms"
    short_names = ("rplat",)
    description = (
        "Shared Reach services (api, gateway, ingest, scraper API and listeners) and the stores "
        "they use."
    )
    spec_model = PlatformSpec
    status_model = Status
    columns: ClassVar[tuple[Column, ...]] = (
        Column(name="Image", type="string", json_path=".spec.image"),
        Column(name="API", type="integer", json_path=".spec.api.replicas"),
        Column(name="Ingest", type="integer", json_path=".spec.ingest.replicas"),
        READY_COLUMN,
        REASON_COLUMN,
        AGE_COLUMN,
    )
