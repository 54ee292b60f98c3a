"""campaign profiles: the creators in a partner's campaign collections (profile collections of
source CAMPAIGN), largest first, with the collections each is in; fields gated by plan."""

from __future__ import annotations

from fastapi import APIRouter

from reach.api.envelope import ERROR_RESPONSES, Envelope
from reach.api.models import CampaignProfile, PageOf
from reach.api.routes.deps import PagingDep, ServicesDep
from reach.api.tenancy import CurrentTenant, redact
from reach.common.networks import SocialNetwork

router = APIRouter(
    prefix="/campaign-profile-service/api", tags=["campaign profiles"], responses=ERROR_RESPONSES
)


@router.get("/profiles/{platform}", response_model=Envelope[PageOf[CampaignProfile]])
async def campaign_profiles(
    platform: SocialNetwork, tenant: CurrentTenant, services: ServicesDep, paging: PagingDep
) -> Envelope[PageOf[CampaignProfile]]:
    found, total = await services.profiles.repository.campaign_profiles(
        tenant.partner_id, platform, paging.offset, paging.size
    )
    return Envelope(data=redact(paging.results(found, total), tenant.plan))
