"""Platform: the shared services (api, gateway, ingest, the scraper's API and listeners), their
stores and the schema job."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from reach.operator.api.cel import cel, cel_list
from reach.operator.api.common import (
    Column,
    ConfigValue,
    CustomResource,
    Model,
    SecretValue,
    Stores,
)
from reach.operator.api.cron import Schedule
from reach.pipelines.schedules import PIPELINES
from reach.scraper.contract import RAPIDAPI_PROVIDERS

# The pipelines that run on a schedule of their own; the others run after one of these.
SCHEDULED_PIPELINES = {p.dag_id: p.schedule for p in PIPELINES if p.schedule is not None}

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


class ObjectStore(Model):
    """S3-compatible storage of the media assets the scraper workers download."""

    bucket: ConfigValue = Field(description="REACH_S3_BUCKET.")
    endpoint: ConfigValue | None = Field(
        default=None, description="REACH_S3_ENDPOINT_URL; unset: AWS's endpoint for the region."
    )
    region: ConfigValue | None = Field(default=None, description="REACH_S3_REGION.")
    access_key_id: SecretValue | None = Field(
        default=None,
        description="REACH_S3_ACCESS_KEY_ID; unset: the default AWS chain (IRSA, instance role).",
    )
    secret_access_key: SecretValue | None = Field(
        default=None, description="REACH_S3_SECRET_ACCESS_KEY."
    )
    cdn_url: ConfigValue | None = Field(
        default=None, description="REACH_ASSET_CDN_URL: the public base URL of stored assets."
    )


class Llm(Model):
    """The OpenAI-compatible API that enrichment and sentiment tasks call."""

    url: ConfigValue | None = Field(default=None, description="REACH_LLM_URL.")
    model: ConfigValue | None = Field(default=None, description="REACH_LLM_MODEL.")
    api_key: SecretValue | None = Field(
        default=None, description="Stored as the `openai` source's credential `api_key`."
    )


class GraphApi(Model):
    url: ConfigValue | None = Field(default=None, description="REACH_INSTAGRAM_GRAPH_URL.")
    user_id: ConfigValue | None = Field(
        default=None, description="The `graphapi` credential's `user_id` (the business account)."
    )
    access_token: SecretValue | None = Field(
        default=None, description="The `graphapi` credential's `access_token`."
    )


class RapidApi(Model):
    url: ConfigValue | None = Field(default=None, description="REACH_RAPIDAPI_INSTAGRAM_URL.")
    host: ConfigValue | None = Field(default=None, description="REACH_RAPIDAPI_INSTAGRAM_HOST.")
    key: SecretValue | None = Field(
        default=None, description="The `rapidapi-instagram` credential's `key`."
    )


class RapidApiProvider(Model):
    """One of the RapidAPI-style Instagram sources after `rapidapiInstagram`."""

    url: ConfigValue | None = Field(
        default=None, description="Its base URL setting (unset: the provider's public one)."
    )
    key: SecretValue | None = Field(
        default=None,
        description="Its credential's `key`: a RapidAPI key subscribed to the provider.",
    )


class YouTubeApi(Model):
    url: ConfigValue | None = Field(default=None, description="REACH_YOUTUBE_API_URL.")
    key: SecretValue | None = Field(default=None, description="The `youtube` credential's `key`.")


class InstagramWeb(Model):
    url: ConfigValue | None = Field(default=None, description="REACH_INSTAGRAM_WEB_URL.")


class Shopify(Model):
    url: ConfigValue | None = Field(
        default=None,
        description="REACH_SHOPIFY_ADMIN_URL: the Admin API, `{shop}` standing for the store's "
        "myshopify.com domain. Each store's token is its own `shopify` credential.",
    )


class Invidious(Model):
    url: ConfigValue | None = Field(default=None, description="REACH_INVIDIOUS_URL.")


def _known(field: str, known: Iterable[str], what: str) -> dict[str, Any]:
    """The CEL rule admitting only `known` names (of `what`) in the list or map `field`."""
    rule = cel(f"self.all(n, n in {cel_list(known)})", f"{field}: {what} are {', '.join(known)}")
    return {"x-kubernetes-validations": [rule]}


def _refuse_unknown(field: str, names: Iterable[str], known: Iterable[str], what: str) -> None:
    """The same rule, checked here too (a resource applied without the API server's)."""
    unknown = sorted(set(names) - set(known))
    if unknown:
        raise ValueError(f"{field}: unknown {what} {unknown}; they are {list(known)}")


def _keyed(field: str, known: Mapping[str, str], what: str, lead: str, tail: str = ".") -> Any:
    """A map field keyed by the `known` names (of `what`) only, described as `lead`, each
    name with its note in `known`, and `tail`."""
    return Field(
        default_factory=dict,
        max_length=len(known),
        description=lead + ", ".join(f"{name} {note}" for name, note in known.items()) + tail,
        json_schema_extra=_known(field, known, what),
    )


class Upstreams(Model):
    """The platforms' APIs: base URLs (unset: the public ones) and the keys the operator stores
    as each source's credential named after the Platform."""

    graph_api: GraphApi = Field(default_factory=GraphApi)
    rapidapi_instagram: RapidApi = Field(default_factory=RapidApi)
    rapidapi_providers: dict[str, RapidApiProvider] = _keyed(
        "rapidapiProviders",
        {name: f"(REACH_{url.upper()})" for name, url in RAPIDAPI_PROVIDERS.items()},
        "sources",
        "The other RapidAPI-style Instagram sources, by source name: ",
    )
    youtube: YouTubeApi = Field(default_factory=YouTubeApi)
    instagram_web: InstagramWeb = Field(default_factory=InstagramWeb)
    shopify: Shopify = Field(default_factory=Shopify)
    invidious: Invidious = Field(default_factory=Invidious)

    @model_validator(mode="after")
    def _known_providers(self) -> Upstreams:
        _refuse_unknown("rapidapiProviders", self.rapidapi_providers, RAPIDAPI_PROVIDERS, "sources")
        return self


class Pipelines(Model):
    """The analytics pipelines (dbt builds by tag, the syncs after them, the periodic
    enqueues) as CronJobs: the steps and default schedules of the Airflow DAGs
    (`reach.pipelines.schedules`)."""

    enabled: bool = Field(
        default=True,
        description="Run the pipelines here; false (their CronJobs suspended) when an Airflow "
        "runs the DAGs instead.",
    )
    schedules: dict[str, Schedule] = _keyed(
        "schedules",
        {name: f"`{cron}`" for name, cron in SCHEDULED_PIPELINES.items()},
        "pipelines",
        "Cron schedule by pipeline, instead of the default: ",
        ". A pipeline's syncs run right after its dbt build.",
    )
    suspend: list[Annotated[str, Field(max_length=64)]] = Field(
        default_factory=list,
        max_length=len(SCHEDULED_PIPELINES),
        description="Pipelines whose CronJobs are suspended. sync_instagram and sync_youtube "
        "leave the flows a ScrapeFlow of this Platform schedules to it, and are suspended "
        "when that is all of theirs.",
        json_schema_extra={
            "x-kubernetes-list-type": "set",
            **_known("suspend", SCHEDULED_PIPELINES, "pipelines"),
        },
    )

    slack_webhook_url: SecretValue | None = Field(
        default=None,
        description="REACH_SLACK_WEBHOOK_URL of the pipelines' containers: a failed command "
        "posts there.",
    )

    @model_validator(mode="after")
    def _known_pipelines(self) -> Pipelines:
        for field, names in (("schedules", list(self.schedules)), ("suspend", self.suspend)):
            _refuse_unknown(field, names, SCHEDULED_PIPELINES, "pipelines")
        return self

    def schedule(self, pipeline: str) -> str:
        return self.schedules.get(pipeline) or SCHEDULED_PIPELINES[pipeline]


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
        "requests from RabbitMQ turned into scraper tasks, identity tokens into credentials, "
        "sentiment report requests into reports.",
    )
    ingress: Ingress = Field(default_factory=Ingress)
    object_store: ObjectStore | None = Field(
        default=None,
        description="Where the scraper workers store media assets; unset: the pod's disk, which "
        "does not outlive the pod.",
    )
    llm: Llm = Field(default_factory=Llm)
    upstreams: Upstreams = Field(default_factory=Upstreams)
    pipelines: Pipelines = Field(default_factory=Pipelines)


class Platform(CustomResource):
    """Shared Reach services (api, gateway, ingest, scraper API and listeners) and the stores
    they use."""

    short_names = ("rplat",)
    spec_model = PlatformSpec
    columns = (
        Column(name="Image", type="string", json_path=".spec.image"),
        Column(name="API", type="integer", json_path=".spec.api.replicas"),
        Column(name="Ingest", type="integer", json_path=".spec.ingest.replicas"),
    )
