{{ config(
    tags=["daily"],
    order_by="(collection_id, platform, profile_id, currency)",
) }}

{#
    The orders of partner stores attributed to the creators of each profile collection: an
    order, as its latest observation has it, is the creator's its coupon code names (without a
    coupon, its utm_source), compared case-blind with the handles of the collection's profiles
    on either platform. One row per collection, profile and currency: the orders, those
    refunded or voided, and over the others the revenue, items and mean order value, and the
    profile's share of the collection's revenue in that currency.
#}

with

observations as (
    select
        event_id,
        store,
        order_id,
        order_status,
        amount,
        currency,
        item_count,
        order_attributes,
        logged_at
    from {{ ref('stg_beat_order_log') }}
),

-- Each order as last seen (the event id breaks ties between observations of one moment).
orders as (
    select
        store,
        order_id,
        argMax(order_status, (logged_at, event_id)) as order_status,
        argMax(amount, (logged_at, event_id)) as amount,
        argMax(currency, (logged_at, event_id)) as currency,
        argMax(item_count, (logged_at, event_id)) as item_count,
        argMax(order_attributes, (logged_at, event_id)) as order_attributes,
        min(logged_at) as ordered_at
    from observations
    group by store, order_id
),

attributed as (
    select
        *,
        lower(
            if(
                order_attributes['coupon'] != '',
                order_attributes['coupon'],
                order_attributes['utm_source']
            )
        ) as attributed_handle,
        order_status in ('refunded', 'voided') as is_refunded
    from orders
    where attributed_handle != ''
),

handles as (
    select
        'instagram' as platform,
        profile_id,
        handle
    from {{ ref('stg_beat_instagram_account') }}
    union all
    select
        'youtube' as platform,
        channel_id as profile_id,
        handle
    from {{ ref('stg_beat_youtube_account') }}
),

collection_profiles as (
    select
        items.collection_id as collection_id,
        collections.partner_id as partner_id,
        items.platform as platform,
        items.profile_id as profile_id,
        handles.handle as handle
    from {{ ref('stg_coffee_profile_collection_item') }} as items
    inner join {{ ref('stg_coffee_profile_collection') }} as collections
        on items.collection_id = collections.collection_id
    inner join handles {{ join_on('items', 'handles', ['platform', 'profile_id']) }}
    where coalesce(handles.handle, '') != ''
),

profile_orders as (
    select
        collection_profiles.collection_id as collection_id,
        any(collection_profiles.partner_id) as partner_id,
        collection_profiles.platform as platform,
        collection_profiles.profile_id as profile_id,
        any(collection_profiles.handle) as handle,
        attributed.currency as currency,
        count() as orders,
        countIf(attributed.is_refunded) as refunded_orders,
        sumIf(attributed.amount, not attributed.is_refunded) as revenue,
        sumIf(attributed.item_count, not attributed.is_refunded) as items,
        min(attributed.ordered_at) as first_order_at,
        max(attributed.ordered_at) as last_order_at
    from attributed
    inner join collection_profiles
        on attributed.attributed_handle = lower(collection_profiles.handle)
    group by collection_id, platform, profile_id, currency
),

shares as (
    select
        *,
        if(orders > refunded_orders, revenue / (orders - refunded_orders), NULL)
            as avg_order_value,
        sum(revenue) over (partition by collection_id, currency) as collection_revenue,
        if(collection_revenue > 0, revenue / collection_revenue, NULL) as revenue_share
    from profile_orders
)

select * except (collection_revenue) from shares
