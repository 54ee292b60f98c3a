with

renamed as (
    select
        analysis,
        platform,
        source_profile_id as creator_profile_id,
        follower_profile_id,
        follower_handle,
        -- The scorer's three classes as labels; the float is kept for averaging.
        multiIf(fake_class >= 1, 'fake', fake_class > 0, 'weak_fake', 'real') as follower_class,
        fake_class,
        score as fake_score,
        reasons,
        scored_at
    from {{ source('followers', 'follower_score') }} final
)

select * from renamed
