from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Events(_message.Message):
    __slots__ = ("events",)
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[Event]
    def __init__(self, events: _Optional[_Iterable[_Union[Event, _Mapping]]] = ...) -> None: ...

class Event(_message.Message):
    __slots__ = ("event_id", "name", "timestamp_ms", "session_id", "user_id", "device_id", "channel", "os", "app_version", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "params", "payload_type", "launch", "app_init", "page_opened", "widget_view", "widget_cta_click", "add_to_cart", "initiate_purchase", "complete_purchase", "streaming", "verification", "click", "ab_assignment", "entity_metric", "activity_tracker", "affiliate_order", "graphy", "profile_log", "post_log", "asset_log", "sentiment_log", "scrape_request_log", "trace_log", "profile_relationship_log", "branch", "webengage", "shopify", "vidooly", "rejected", "launch_refer", "page_loaded", "page_load_failed", "app_start", "session_id_change", "notification_action", "test_event", "widget_element_view", "widget_element_clicked", "enter_product", "enter_pwa_product_page", "choose_product", "go_to_payments", "purchase_failed", "stream_enter", "social_stream_enter", "social_stream_action", "host_action", "affiliate_action", "phone_verification_initiate", "phone_number_entered", "otp_verified", "initiate_review", "enter_review_screen", "submit_review", "view_all_reviews", "expand_review_image", "referral", "create_user_account", "account_profile_complete", "bigboss_vote", "order_log", "post_activity_log", "youtube_playlist_log", "youtube_playlist_item_log", "youtube_video_category_log", "youtube_channel_section_log")
    class ParamsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_MS_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    DEVICE_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    OS_FIELD_NUMBER: _ClassVar[int]
    APP_VERSION_FIELD_NUMBER: _ClassVar[int]
    UTM_SOURCE_FIELD_NUMBER: _ClassVar[int]
    UTM_MEDIUM_FIELD_NUMBER: _ClassVar[int]
    UTM_CAMPAIGN_FIELD_NUMBER: _ClassVar[int]
    UTM_TERM_FIELD_NUMBER: _ClassVar[int]
    UTM_CONTENT_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_TYPE_FIELD_NUMBER: _ClassVar[int]
    LAUNCH_FIELD_NUMBER: _ClassVar[int]
    APP_INIT_FIELD_NUMBER: _ClassVar[int]
    PAGE_OPENED_FIELD_NUMBER: _ClassVar[int]
    WIDGET_VIEW_FIELD_NUMBER: _ClassVar[int]
    WIDGET_CTA_CLICK_FIELD_NUMBER: _ClassVar[int]
    ADD_TO_CART_FIELD_NUMBER: _ClassVar[int]
    INITIATE_PURCHASE_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_PURCHASE_FIELD_NUMBER: _ClassVar[int]
    STREAMING_FIELD_NUMBER: _ClassVar[int]
    VERIFICATION_FIELD_NUMBER: _ClassVar[int]
    CLICK_FIELD_NUMBER: _ClassVar[int]
    AB_ASSIGNMENT_FIELD_NUMBER: _ClassVar[int]
    ENTITY_METRIC_FIELD_NUMBER: _ClassVar[int]
    ACTIVITY_TRACKER_FIELD_NUMBER: _ClassVar[int]
    AFFILIATE_ORDER_FIELD_NUMBER: _ClassVar[int]
    GRAPHY_FIELD_NUMBER: _ClassVar[int]
    PROFILE_LOG_FIELD_NUMBER: _ClassVar[int]
    POST_LOG_FIELD_NUMBER: _ClassVar[int]
    ASSET_LOG_FIELD_NUMBER: _ClassVar[int]
    SENTIMENT_LOG_FIELD_NUMBER: _ClassVar[int]
    SCRAPE_REQUEST_LOG_FIELD_NUMBER: _ClassVar[int]
    TRACE_LOG_FIELD_NUMBER: _ClassVar[int]
    PROFILE_RELATIONSHIP_LOG_FIELD_NUMBER: _ClassVar[int]
    BRANCH_FIELD_NUMBER: _ClassVar[int]
    WEBENGAGE_FIELD_NUMBER: _ClassVar[int]
    SHOPIFY_FIELD_NUMBER: _ClassVar[int]
    VIDOOLY_FIELD_NUMBER: _ClassVar[int]
    REJECTED_FIELD_NUMBER: _ClassVar[int]
    LAUNCH_REFER_FIELD_NUMBER: _ClassVar[int]
    PAGE_LOADED_FIELD_NUMBER: _ClassVar[int]
    PAGE_LOAD_FAILED_FIELD_NUMBER: _ClassVar[int]
    APP_START_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_CHANGE_FIELD_NUMBER: _ClassVar[int]
    NOTIFICATION_ACTION_FIELD_NUMBER: _ClassVar[int]
    TEST_EVENT_FIELD_NUMBER: _ClassVar[int]
    WIDGET_ELEMENT_VIEW_FIELD_NUMBER: _ClassVar[int]
    WIDGET_ELEMENT_CLICKED_FIELD_NUMBER: _ClassVar[int]
    ENTER_PRODUCT_FIELD_NUMBER: _ClassVar[int]
    ENTER_PWA_PRODUCT_PAGE_FIELD_NUMBER: _ClassVar[int]
    CHOOSE_PRODUCT_FIELD_NUMBER: _ClassVar[int]
    GO_TO_PAYMENTS_FIELD_NUMBER: _ClassVar[int]
    PURCHASE_FAILED_FIELD_NUMBER: _ClassVar[int]
    STREAM_ENTER_FIELD_NUMBER: _ClassVar[int]
    SOCIAL_STREAM_ENTER_FIELD_NUMBER: _ClassVar[int]
    SOCIAL_STREAM_ACTION_FIELD_NUMBER: _ClassVar[int]
    HOST_ACTION_FIELD_NUMBER: _ClassVar[int]
    AFFILIATE_ACTION_FIELD_NUMBER: _ClassVar[int]
    PHONE_VERIFICATION_INITIATE_FIELD_NUMBER: _ClassVar[int]
    PHONE_NUMBER_ENTERED_FIELD_NUMBER: _ClassVar[int]
    OTP_VERIFIED_FIELD_NUMBER: _ClassVar[int]
    INITIATE_REVIEW_FIELD_NUMBER: _ClassVar[int]
    ENTER_REVIEW_SCREEN_FIELD_NUMBER: _ClassVar[int]
    SUBMIT_REVIEW_FIELD_NUMBER: _ClassVar[int]
    VIEW_ALL_REVIEWS_FIELD_NUMBER: _ClassVar[int]
    EXPAND_REVIEW_IMAGE_FIELD_NUMBER: _ClassVar[int]
    REFERRAL_FIELD_NUMBER: _ClassVar[int]
    CREATE_USER_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_PROFILE_COMPLETE_FIELD_NUMBER: _ClassVar[int]
    BIGBOSS_VOTE_FIELD_NUMBER: _ClassVar[int]
    ORDER_LOG_FIELD_NUMBER: _ClassVar[int]
    POST_ACTIVITY_LOG_FIELD_NUMBER: _ClassVar[int]
    YOUTUBE_PLAYLIST_LOG_FIELD_NUMBER: _ClassVar[int]
    YOUTUBE_PLAYLIST_ITEM_LOG_FIELD_NUMBER: _ClassVar[int]
    YOUTUBE_VIDEO_CATEGORY_LOG_FIELD_NUMBER: _ClassVar[int]
    YOUTUBE_CHANNEL_SECTION_LOG_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    name: str
    timestamp_ms: int
    session_id: str
    user_id: str
    device_id: str
    channel: str
    os: str
    app_version: str
    utm_source: str
    utm_medium: str
    utm_campaign: str
    utm_term: str
    utm_content: str
    params: _containers.ScalarMap[str, str]
    payload_type: str
    launch: Launch
    app_init: AppInit
    page_opened: PageOpened
    widget_view: WidgetView
    widget_cta_click: WidgetCtaClick
    add_to_cart: AddToCart
    initiate_purchase: InitiatePurchase
    complete_purchase: CompletePurchase
    streaming: Streaming
    verification: Verification
    click: Click
    ab_assignment: AbAssignment
    entity_metric: EntityMetric
    activity_tracker: ActivityTracker
    affiliate_order: AffiliateOrder
    graphy: GraphyEvent
    profile_log: ProfileLog
    post_log: PostLog
    asset_log: AssetLog
    sentiment_log: SentimentLog
    scrape_request_log: ScrapeRequestLog
    trace_log: TraceLog
    profile_relationship_log: ProfileRelationshipLog
    branch: BranchEvent
    webengage: WebengageEvent
    shopify: ShopifyEvent
    vidooly: VidoolyEvent
    rejected: RejectedEvent
    launch_refer: LaunchRefer
    page_loaded: PageLoaded
    page_load_failed: PageLoadFailed
    app_start: AppStart
    session_id_change: SessionIdChange
    notification_action: NotificationAction
    test_event: TestEvent
    widget_element_view: WidgetElementView
    widget_element_clicked: WidgetElementClicked
    enter_product: EnterProduct
    enter_pwa_product_page: EnterPwaProductPage
    choose_product: ChooseProduct
    go_to_payments: GoToPayments
    purchase_failed: PurchaseFailed
    stream_enter: StreamEnter
    social_stream_enter: SocialStreamEnter
    social_stream_action: SocialStreamAction
    host_action: HostAction
    affiliate_action: AffiliateAction
    phone_verification_initiate: PhoneVerificationInitiate
    phone_number_entered: PhoneNumberEntered
    otp_verified: OtpVerified
    initiate_review: InitiateReview
    enter_review_screen: EnterReviewScreen
    submit_review: SubmitReview
    view_all_reviews: ViewAllReviews
    expand_review_image: ExpandReviewImage
    referral: Referral
    create_user_account: CreateUserAccount
    account_profile_complete: AccountProfileComplete
    bigboss_vote: BigbossVote
    order_log: OrderLog
    post_activity_log: PostActivityLog
    youtube_playlist_log: YouTubePlaylistLog
    youtube_playlist_item_log: YouTubePlaylistItemLog
    youtube_video_category_log: YouTubeVideoCategoryLog
    youtube_channel_section_log: YouTubeChannelSectionLog
    def __init__(self, event_id: _Optional[str] = ..., name: _Optional[str] = ..., timestamp_ms: _Optional[int] = ..., session_id: _Optional[str] = ..., user_id: _Optional[str] = ..., device_id: _Optional[str] = ..., channel: _Optional[str] = ..., os: _Optional[str] = ..., app_version: _Optional[str] = ..., utm_source: _Optional[str] = ..., utm_medium: _Optional[str] = ..., utm_campaign: _Optional[str] = ..., utm_term: _Optional[str] = ..., utm_content: _Optional[str] = ..., params: _Optional[_Mapping[str, str]] = ..., payload_type: _Optional[str] = ..., launch: _Optional[_Union[Launch, _Mapping]] = ..., app_init: _Optional[_Union[AppInit, _Mapping]] = ..., page_opened: _Optional[_Union[PageOpened, _Mapping]] = ..., widget_view: _Optional[_Union[WidgetView, _Mapping]] = ..., widget_cta_click: _Optional[_Union[WidgetCtaClick, _Mapping]] = ..., add_to_cart: _Optional[_Union[AddToCart, _Mapping]] = ..., initiate_purchase: _Optional[_Union[InitiatePurchase, _Mapping]] = ..., complete_purchase: _Optional[_Union[CompletePurchase, _Mapping]] = ..., streaming: _Optional[_Union[Streaming, _Mapping]] = ..., verification: _Optional[_Union[Verification, _Mapping]] = ..., click: _Optional[_Union[Click, _Mapping]] = ..., ab_assignment: _Optional[_Union[AbAssignment, _Mapping]] = ..., entity_metric: _Optional[_Union[EntityMetric, _Mapping]] = ..., activity_tracker: _Optional[_Union[ActivityTracker, _Mapping]] = ..., affiliate_order: _Optional[_Union[AffiliateOrder, _Mapping]] = ..., graphy: _Optional[_Union[GraphyEvent, _Mapping]] = ..., profile_log: _Optional[_Union[ProfileLog, _Mapping]] = ..., post_log: _Optional[_Union[PostLog, _Mapping]] = ..., asset_log: _Optional[_Union[AssetLog, _Mapping]] = ..., sentiment_log: _Optional[_Union[SentimentLog, _Mapping]] = ..., scrape_request_log: _Optional[_Union[ScrapeRequestLog, _Mapping]] = ..., trace_log: _Optional[_Union[TraceLog, _Mapping]] = ..., profile_relationship_log: _Optional[_Union[ProfileRelationshipLog, _Mapping]] = ..., branch: _Optional[_Union[BranchEvent, _Mapping]] = ..., webengage: _Optional[_Union[WebengageEvent, _Mapping]] = ..., shopify: _Optional[_Union[ShopifyEvent, _Mapping]] = ..., vidooly: _Optional[_Union[VidoolyEvent, _Mapping]] = ..., rejected: _Optional[_Union[RejectedEvent, _Mapping]] = ..., launch_refer: _Optional[_Union[LaunchRefer, _Mapping]] = ..., page_loaded: _Optional[_Union[PageLoaded, _Mapping]] = ..., page_load_failed: _Optional[_Union[PageLoadFailed, _Mapping]] = ..., app_start: _Optional[_Union[AppStart, _Mapping]] = ..., session_id_change: _Optional[_Union[SessionIdChange, _Mapping]] = ..., notification_action: _Optional[_Union[NotificationAction, _Mapping]] = ..., test_event: _Optional[_Union[TestEvent, _Mapping]] = ..., widget_element_view: _Optional[_Union[WidgetElementView, _Mapping]] = ..., widget_element_clicked: _Optional[_Union[WidgetElementClicked, _Mapping]] = ..., enter_product: _Optional[_Union[EnterProduct, _Mapping]] = ..., enter_pwa_product_page: _Optional[_Union[EnterPwaProductPage, _Mapping]] = ..., choose_product: _Optional[_Union[ChooseProduct, _Mapping]] = ..., go_to_payments: _Optional[_Union[GoToPayments, _Mapping]] = ..., purchase_failed: _Optional[_Union[PurchaseFailed, _Mapping]] = ..., stream_enter: _Optional[_Union[StreamEnter, _Mapping]] = ..., social_stream_enter: _Optional[_Union[SocialStreamEnter, _Mapping]] = ..., social_stream_action: _Optional[_Union[SocialStreamAction, _Mapping]] = ..., host_action: _Optional[_Union[HostAction, _Mapping]] = ..., affiliate_action: _Optional[_Union[AffiliateAction, _Mapping]] = ..., phone_verification_initiate: _Optional[_Union[PhoneVerificationInitiate, _Mapping]] = ..., phone_number_entered: _Optional[_Union[PhoneNumberEntered, _Mapping]] = ..., otp_verified: _Optional[_Union[OtpVerified, _Mapping]] = ..., initiate_review: _Optional[_Union[InitiateReview, _Mapping]] = ..., enter_review_screen: _Optional[_Union[EnterReviewScreen, _Mapping]] = ..., submit_review: _Optional[_Union[SubmitReview, _Mapping]] = ..., view_all_reviews: _Optional[_Union[ViewAllReviews, _Mapping]] = ..., expand_review_image: _Optional[_Union[ExpandReviewImage, _Mapping]] = ..., referral: _Optional[_Union[Referral, _Mapping]] = ..., create_user_account: _Optional[_Union[CreateUserAccount, _Mapping]] = ..., account_profile_complete: _Optional[_Union[AccountProfileComplete, _Mapping]] = ..., bigboss_vote: _Optional[_Union[BigbossVote, _Mapping]] = ..., order_log: _Optional[_Union[OrderLog, _Mapping]] = ..., post_activity_log: _Optional[_Union[PostActivityLog, _Mapping]] = ..., youtube_playlist_log: _Optional[_Union[YouTubePlaylistLog, _Mapping]] = ..., youtube_playlist_item_log: _Optional[_Union[YouTubePlaylistItemLog, _Mapping]] = ..., youtube_video_category_log: _Optional[_Union[YouTubeVideoCategoryLog, _Mapping]] = ..., youtube_channel_section_log: _Optional[_Union[YouTubeChannelSectionLog, _Mapping]] = ...) -> None: ...

class Launch(_message.Message):
    __slots__ = ("is_first_launch", "referrer")
    IS_FIRST_LAUNCH_FIELD_NUMBER: _ClassVar[int]
    REFERRER_FIELD_NUMBER: _ClassVar[int]
    is_first_launch: bool
    referrer: str
    def __init__(self, is_first_launch: _Optional[bool] = ..., referrer: _Optional[str] = ...) -> None: ...

class AppInit(_message.Message):
    __slots__ = ("device_model", "os_version", "locale", "screen_width", "screen_height", "init_duration_ms")
    DEVICE_MODEL_FIELD_NUMBER: _ClassVar[int]
    OS_VERSION_FIELD_NUMBER: _ClassVar[int]
    LOCALE_FIELD_NUMBER: _ClassVar[int]
    SCREEN_WIDTH_FIELD_NUMBER: _ClassVar[int]
    SCREEN_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    INIT_DURATION_MS_FIELD_NUMBER: _ClassVar[int]
    device_model: str
    os_version: str
    locale: str
    screen_width: int
    screen_height: int
    init_duration_ms: int
    def __init__(self, device_model: _Optional[str] = ..., os_version: _Optional[str] = ..., locale: _Optional[str] = ..., screen_width: _Optional[int] = ..., screen_height: _Optional[int] = ..., init_duration_ms: _Optional[int] = ...) -> None: ...

class PageOpened(_message.Message):
    __slots__ = ("page", "previous_page", "source")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_PAGE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    page: str
    previous_page: str
    source: str
    def __init__(self, page: _Optional[str] = ..., previous_page: _Optional[str] = ..., source: _Optional[str] = ...) -> None: ...

class WidgetView(_message.Message):
    __slots__ = ("widget_id", "widget_type", "page", "position")
    WIDGET_ID_FIELD_NUMBER: _ClassVar[int]
    WIDGET_TYPE_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    widget_id: str
    widget_type: str
    page: str
    position: int
    def __init__(self, widget_id: _Optional[str] = ..., widget_type: _Optional[str] = ..., page: _Optional[str] = ..., position: _Optional[int] = ...) -> None: ...

class WidgetCtaClick(_message.Message):
    __slots__ = ("widget_id", "widget_type", "page", "cta", "target_url")
    WIDGET_ID_FIELD_NUMBER: _ClassVar[int]
    WIDGET_TYPE_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    CTA_FIELD_NUMBER: _ClassVar[int]
    TARGET_URL_FIELD_NUMBER: _ClassVar[int]
    widget_id: str
    widget_type: str
    page: str
    cta: str
    target_url: str
    def __init__(self, widget_id: _Optional[str] = ..., widget_type: _Optional[str] = ..., page: _Optional[str] = ..., cta: _Optional[str] = ..., target_url: _Optional[str] = ...) -> None: ...

class AddToCart(_message.Message):
    __slots__ = ("product_id", "variant_id", "quantity", "price", "currency")
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    VARIANT_ID_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    variant_id: str
    quantity: int
    price: float
    currency: str
    def __init__(self, product_id: _Optional[str] = ..., variant_id: _Optional[str] = ..., quantity: _Optional[int] = ..., price: _Optional[float] = ..., currency: _Optional[str] = ...) -> None: ...

class InitiatePurchase(_message.Message):
    __slots__ = ("cart_id", "item_count", "amount", "currency")
    CART_ID_FIELD_NUMBER: _ClassVar[int]
    ITEM_COUNT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    cart_id: str
    item_count: int
    amount: float
    currency: str
    def __init__(self, cart_id: _Optional[str] = ..., item_count: _Optional[int] = ..., amount: _Optional[float] = ..., currency: _Optional[str] = ...) -> None: ...

class CompletePurchase(_message.Message):
    __slots__ = ("order_id", "cart_id", "amount", "currency", "payment_method")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    CART_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_METHOD_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    cart_id: str
    amount: float
    currency: str
    payment_method: str
    def __init__(self, order_id: _Optional[str] = ..., cart_id: _Optional[str] = ..., amount: _Optional[float] = ..., currency: _Optional[str] = ..., payment_method: _Optional[str] = ...) -> None: ...

class Streaming(_message.Message):
    __slots__ = ("stream_id", "action", "position_s", "watched_s")
    STREAM_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    POSITION_S_FIELD_NUMBER: _ClassVar[int]
    WATCHED_S_FIELD_NUMBER: _ClassVar[int]
    stream_id: str
    action: str
    position_s: int
    watched_s: int
    def __init__(self, stream_id: _Optional[str] = ..., action: _Optional[str] = ..., position_s: _Optional[int] = ..., watched_s: _Optional[int] = ...) -> None: ...

class Verification(_message.Message):
    __slots__ = ("method", "status", "reason")
    METHOD_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    method: str
    status: str
    reason: str
    def __init__(self, method: _Optional[str] = ..., status: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class Click(_message.Message):
    __slots__ = ("page", "element", "action", "target", "x", "y")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    ELEMENT_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    X_FIELD_NUMBER: _ClassVar[int]
    Y_FIELD_NUMBER: _ClassVar[int]
    page: str
    element: str
    action: str
    target: str
    x: int
    y: int
    def __init__(self, page: _Optional[str] = ..., element: _Optional[str] = ..., action: _Optional[str] = ..., target: _Optional[str] = ..., x: _Optional[int] = ..., y: _Optional[int] = ...) -> None: ...

class AbAssignment(_message.Message):
    __slots__ = ("experiment", "variant", "unit_id")
    EXPERIMENT_FIELD_NUMBER: _ClassVar[int]
    VARIANT_FIELD_NUMBER: _ClassVar[int]
    UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    experiment: str
    variant: str
    unit_id: str
    def __init__(self, experiment: _Optional[str] = ..., variant: _Optional[str] = ..., unit_id: _Optional[str] = ...) -> None: ...

class EntityMetric(_message.Message):
    __slots__ = ("entity_type", "entity_id", "metric", "value")
    ENTITY_TYPE_FIELD_NUMBER: _ClassVar[int]
    ENTITY_ID_FIELD_NUMBER: _ClassVar[int]
    METRIC_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    entity_type: str
    entity_id: str
    metric: str
    value: float
    def __init__(self, entity_type: _Optional[str] = ..., entity_id: _Optional[str] = ..., metric: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...

class ActivityTracker(_message.Message):
    __slots__ = ("partner_id", "activity_type", "entity_type", "entity_id")
    PARTNER_ID_FIELD_NUMBER: _ClassVar[int]
    ACTIVITY_TYPE_FIELD_NUMBER: _ClassVar[int]
    ENTITY_TYPE_FIELD_NUMBER: _ClassVar[int]
    ENTITY_ID_FIELD_NUMBER: _ClassVar[int]
    partner_id: str
    activity_type: str
    entity_type: str
    entity_id: str
    def __init__(self, partner_id: _Optional[str] = ..., activity_type: _Optional[str] = ..., entity_type: _Optional[str] = ..., entity_id: _Optional[str] = ...) -> None: ...

class AffiliateOrder(_message.Message):
    __slots__ = ("order_id", "affiliate_id", "product_id", "amount", "currency", "commission", "status")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    AFFILIATE_ID_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    COMMISSION_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    affiliate_id: str
    product_id: str
    amount: float
    currency: str
    commission: float
    status: str
    def __init__(self, order_id: _Optional[str] = ..., affiliate_id: _Optional[str] = ..., product_id: _Optional[str] = ..., amount: _Optional[float] = ..., currency: _Optional[str] = ..., commission: _Optional[float] = ..., status: _Optional[str] = ...) -> None: ...

class ProfileLog(_message.Message):
    __slots__ = ("platform", "profile_id", "handle", "dimensions", "metrics", "source")
    class DimensionsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class MetricsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    PROFILE_ID_FIELD_NUMBER: _ClassVar[int]
    HANDLE_FIELD_NUMBER: _ClassVar[int]
    DIMENSIONS_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    platform: str
    profile_id: str
    handle: str
    dimensions: _containers.ScalarMap[str, str]
    metrics: _containers.ScalarMap[str, float]
    source: str
    def __init__(self, platform: _Optional[str] = ..., profile_id: _Optional[str] = ..., handle: _Optional[str] = ..., dimensions: _Optional[_Mapping[str, str]] = ..., metrics: _Optional[_Mapping[str, float]] = ..., source: _Optional[str] = ...) -> None: ...

class PostLog(_message.Message):
    __slots__ = ("platform", "post_id", "profile_id", "shortcode", "dimensions", "metrics", "source")
    class DimensionsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class MetricsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    PROFILE_ID_FIELD_NUMBER: _ClassVar[int]
    SHORTCODE_FIELD_NUMBER: _ClassVar[int]
    DIMENSIONS_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    platform: str
    post_id: str
    profile_id: str
    shortcode: str
    dimensions: _containers.ScalarMap[str, str]
    metrics: _containers.ScalarMap[str, float]
    source: str
    def __init__(self, platform: _Optional[str] = ..., post_id: _Optional[str] = ..., profile_id: _Optional[str] = ..., shortcode: _Optional[str] = ..., dimensions: _Optional[_Mapping[str, str]] = ..., metrics: _Optional[_Mapping[str, float]] = ..., source: _Optional[str] = ...) -> None: ...

class AssetLog(_message.Message):
    __slots__ = ("platform", "entity_type", "entity_id", "asset_type", "source_url", "storage_url", "content_type", "size_bytes", "sha256")
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    ENTITY_TYPE_FIELD_NUMBER: _ClassVar[int]
    ENTITY_ID_FIELD_NUMBER: _ClassVar[int]
    ASSET_TYPE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_URL_FIELD_NUMBER: _ClassVar[int]
    STORAGE_URL_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    platform: str
    entity_type: str
    entity_id: str
    asset_type: str
    source_url: str
    storage_url: str
    content_type: str
    size_bytes: int
    sha256: str
    def __init__(self, platform: _Optional[str] = ..., entity_type: _Optional[str] = ..., entity_id: _Optional[str] = ..., asset_type: _Optional[str] = ..., source_url: _Optional[str] = ..., storage_url: _Optional[str] = ..., content_type: _Optional[str] = ..., size_bytes: _Optional[int] = ..., sha256: _Optional[str] = ...) -> None: ...

class SentimentLog(_message.Message):
    __slots__ = ("platform", "post_id", "comment_id", "text", "score", "positive", "negative", "neutral")
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    COMMENT_ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    POSITIVE_FIELD_NUMBER: _ClassVar[int]
    NEGATIVE_FIELD_NUMBER: _ClassVar[int]
    NEUTRAL_FIELD_NUMBER: _ClassVar[int]
    platform: str
    post_id: str
    comment_id: str
    text: str
    score: float
    positive: float
    negative: float
    neutral: float
    def __init__(self, platform: _Optional[str] = ..., post_id: _Optional[str] = ..., comment_id: _Optional[str] = ..., text: _Optional[str] = ..., score: _Optional[float] = ..., positive: _Optional[float] = ..., negative: _Optional[float] = ..., neutral: _Optional[float] = ...) -> None: ...

class ScrapeRequestLog(_message.Message):
    __slots__ = ("task_id", "flow", "status", "source", "retry_count", "error", "duration_ms")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    FLOW_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    RETRY_COUNT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    DURATION_MS_FIELD_NUMBER: _ClassVar[int]
    task_id: int
    flow: str
    status: str
    source: str
    retry_count: int
    error: str
    duration_ms: int
    def __init__(self, task_id: _Optional[int] = ..., flow: _Optional[str] = ..., status: _Optional[str] = ..., source: _Optional[str] = ..., retry_count: _Optional[int] = ..., error: _Optional[str] = ..., duration_ms: _Optional[int] = ...) -> None: ...

class TraceLog(_message.Message):
    __slots__ = ("host_name", "service_name", "method", "path", "status_code", "time_taken_ms")
    HOST_NAME_FIELD_NUMBER: _ClassVar[int]
    SERVICE_NAME_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    STATUS_CODE_FIELD_NUMBER: _ClassVar[int]
    TIME_TAKEN_MS_FIELD_NUMBER: _ClassVar[int]
    host_name: str
    service_name: str
    method: str
    path: str
    status_code: int
    time_taken_ms: int
    def __init__(self, host_name: _Optional[str] = ..., service_name: _Optional[str] = ..., method: _Optional[str] = ..., path: _Optional[str] = ..., status_code: _Optional[int] = ..., time_taken_ms: _Optional[int] = ...) -> None: ...

class ProfileRelationshipLog(_message.Message):
    __slots__ = ("platform", "source_profile_id", "target_profile_id", "target_handle", "target_full_name", "relationship_type", "source")
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    SOURCE_PROFILE_ID_FIELD_NUMBER: _ClassVar[int]
    TARGET_PROFILE_ID_FIELD_NUMBER: _ClassVar[int]
    TARGET_HANDLE_FIELD_NUMBER: _ClassVar[int]
    TARGET_FULL_NAME_FIELD_NUMBER: _ClassVar[int]
    RELATIONSHIP_TYPE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    platform: str
    source_profile_id: str
    target_profile_id: str
    target_handle: str
    target_full_name: str
    relationship_type: str
    source: str
    def __init__(self, platform: _Optional[str] = ..., source_profile_id: _Optional[str] = ..., target_profile_id: _Optional[str] = ..., target_handle: _Optional[str] = ..., target_full_name: _Optional[str] = ..., relationship_type: _Optional[str] = ..., source: _Optional[str] = ...) -> None: ...

class GraphyEvent(_message.Message):
    __slots__ = ("event_type", "learner_id", "course_id", "amount", "currency")
    EVENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    LEARNER_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    event_type: str
    learner_id: str
    course_id: str
    amount: float
    currency: str
    def __init__(self, event_type: _Optional[str] = ..., learner_id: _Optional[str] = ..., course_id: _Optional[str] = ..., amount: _Optional[float] = ..., currency: _Optional[str] = ...) -> None: ...

class BranchEvent(_message.Message):
    __slots__ = ("event_name", "developer_identity", "os", "campaign", "channel", "feature", "country", "city", "body")
    EVENT_NAME_FIELD_NUMBER: _ClassVar[int]
    DEVELOPER_IDENTITY_FIELD_NUMBER: _ClassVar[int]
    OS_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    FEATURE_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    CITY_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    event_name: str
    developer_identity: str
    os: str
    campaign: str
    channel: str
    feature: str
    country: str
    city: str
    body: str
    def __init__(self, event_name: _Optional[str] = ..., developer_identity: _Optional[str] = ..., os: _Optional[str] = ..., campaign: _Optional[str] = ..., channel: _Optional[str] = ..., feature: _Optional[str] = ..., country: _Optional[str] = ..., city: _Optional[str] = ..., body: _Optional[str] = ...) -> None: ...

class WebengageEvent(_message.Message):
    __slots__ = ("user_id", "event_name", "event_data", "body")
    class EventDataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_NAME_FIELD_NUMBER: _ClassVar[int]
    EVENT_DATA_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    event_name: str
    event_data: _containers.ScalarMap[str, str]
    body: str
    def __init__(self, user_id: _Optional[str] = ..., event_name: _Optional[str] = ..., event_data: _Optional[_Mapping[str, str]] = ..., body: _Optional[str] = ...) -> None: ...

class ShopifyEvent(_message.Message):
    __slots__ = ("topic", "shop_domain", "webhook_id", "order_id", "total_price", "currency", "body")
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    SHOP_DOMAIN_FIELD_NUMBER: _ClassVar[int]
    WEBHOOK_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    TOTAL_PRICE_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    topic: str
    shop_domain: str
    webhook_id: str
    order_id: str
    total_price: float
    currency: str
    body: str
    def __init__(self, topic: _Optional[str] = ..., shop_domain: _Optional[str] = ..., webhook_id: _Optional[str] = ..., order_id: _Optional[str] = ..., total_price: _Optional[float] = ..., currency: _Optional[str] = ..., body: _Optional[str] = ...) -> None: ...

class VidoolyEvent(_message.Message):
    __slots__ = ("event_name", "channel_id", "video_id", "body")
    EVENT_NAME_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    VIDEO_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    event_name: str
    channel_id: str
    video_id: str
    body: str
    def __init__(self, event_name: _Optional[str] = ..., channel_id: _Optional[str] = ..., video_id: _Optional[str] = ..., body: _Optional[str] = ...) -> None: ...

class RejectedEvent(_message.Message):
    __slots__ = ("reason", "payload_type", "original")
    REASON_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_TYPE_FIELD_NUMBER: _ClassVar[int]
    ORIGINAL_FIELD_NUMBER: _ClassVar[int]
    reason: str
    payload_type: str
    original: bytes
    def __init__(self, reason: _Optional[str] = ..., payload_type: _Optional[str] = ..., original: _Optional[bytes] = ...) -> None: ...

class LaunchRefer(_message.Message):
    __slots__ = ("referrer_id", "referral_code", "campaign", "link")
    REFERRER_ID_FIELD_NUMBER: _ClassVar[int]
    REFERRAL_CODE_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_FIELD_NUMBER: _ClassVar[int]
    LINK_FIELD_NUMBER: _ClassVar[int]
    referrer_id: str
    referral_code: str
    campaign: str
    link: str
    def __init__(self, referrer_id: _Optional[str] = ..., referral_code: _Optional[str] = ..., campaign: _Optional[str] = ..., link: _Optional[str] = ...) -> None: ...

class Referral(_message.Message):
    __slots__ = ("referrer_id", "referee_id", "referral_code", "status")
    REFERRER_ID_FIELD_NUMBER: _ClassVar[int]
    REFEREE_ID_FIELD_NUMBER: _ClassVar[int]
    REFERRAL_CODE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    referrer_id: str
    referee_id: str
    referral_code: str
    status: str
    def __init__(self, referrer_id: _Optional[str] = ..., referee_id: _Optional[str] = ..., referral_code: _Optional[str] = ..., status: _Optional[str] = ...) -> None: ...

class PageLoaded(_message.Message):
    __slots__ = ("page", "load_time_ms")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    LOAD_TIME_MS_FIELD_NUMBER: _ClassVar[int]
    page: str
    load_time_ms: int
    def __init__(self, page: _Optional[str] = ..., load_time_ms: _Optional[int] = ...) -> None: ...

class PageLoadFailed(_message.Message):
    __slots__ = ("page", "error", "http_status")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    HTTP_STATUS_FIELD_NUMBER: _ClassVar[int]
    page: str
    error: str
    http_status: int
    def __init__(self, page: _Optional[str] = ..., error: _Optional[str] = ..., http_status: _Optional[int] = ...) -> None: ...

class AppStart(_message.Message):
    __slots__ = ("cold_start", "start_duration_ms")
    COLD_START_FIELD_NUMBER: _ClassVar[int]
    START_DURATION_MS_FIELD_NUMBER: _ClassVar[int]
    cold_start: bool
    start_duration_ms: int
    def __init__(self, cold_start: _Optional[bool] = ..., start_duration_ms: _Optional[int] = ...) -> None: ...

class SessionIdChange(_message.Message):
    __slots__ = ("previous_session_id", "reason")
    PREVIOUS_SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    previous_session_id: str
    reason: str
    def __init__(self, previous_session_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class NotificationAction(_message.Message):
    __slots__ = ("notification_id", "campaign", "action")
    NOTIFICATION_ID_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    notification_id: str
    campaign: str
    action: str
    def __init__(self, notification_id: _Optional[str] = ..., campaign: _Optional[str] = ..., action: _Optional[str] = ...) -> None: ...

class TestEvent(_message.Message):
    __slots__ = ("note",)
    NOTE_FIELD_NUMBER: _ClassVar[int]
    note: str
    def __init__(self, note: _Optional[str] = ...) -> None: ...

class WidgetElementView(_message.Message):
    __slots__ = ("widget_id", "element_id", "element_type", "page", "position")
    WIDGET_ID_FIELD_NUMBER: _ClassVar[int]
    ELEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    ELEMENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    widget_id: str
    element_id: str
    element_type: str
    page: str
    position: int
    def __init__(self, widget_id: _Optional[str] = ..., element_id: _Optional[str] = ..., element_type: _Optional[str] = ..., page: _Optional[str] = ..., position: _Optional[int] = ...) -> None: ...

class WidgetElementClicked(_message.Message):
    __slots__ = ("widget_id", "element_id", "element_type", "page", "target_url")
    WIDGET_ID_FIELD_NUMBER: _ClassVar[int]
    ELEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    ELEMENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    TARGET_URL_FIELD_NUMBER: _ClassVar[int]
    widget_id: str
    element_id: str
    element_type: str
    page: str
    target_url: str
    def __init__(self, widget_id: _Optional[str] = ..., element_id: _Optional[str] = ..., element_type: _Optional[str] = ..., page: _Optional[str] = ..., target_url: _Optional[str] = ...) -> None: ...

class EnterProduct(_message.Message):
    __slots__ = ("product_id", "source", "position")
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    source: str
    position: int
    def __init__(self, product_id: _Optional[str] = ..., source: _Optional[str] = ..., position: _Optional[int] = ...) -> None: ...

class EnterPwaProductPage(_message.Message):
    __slots__ = ("product_id", "source")
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    source: str
    def __init__(self, product_id: _Optional[str] = ..., source: _Optional[str] = ...) -> None: ...

class ChooseProduct(_message.Message):
    __slots__ = ("stream_id", "product_id", "variant_id")
    STREAM_ID_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    VARIANT_ID_FIELD_NUMBER: _ClassVar[int]
    stream_id: str
    product_id: str
    variant_id: str
    def __init__(self, stream_id: _Optional[str] = ..., product_id: _Optional[str] = ..., variant_id: _Optional[str] = ...) -> None: ...

class GoToPayments(_message.Message):
    __slots__ = ("cart_id", "amount", "currency")
    CART_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    cart_id: str
    amount: float
    currency: str
    def __init__(self, cart_id: _Optional[str] = ..., amount: _Optional[float] = ..., currency: _Optional[str] = ...) -> None: ...

class PurchaseFailed(_message.Message):
    __slots__ = ("order_id", "cart_id", "amount", "currency", "payment_method", "reason")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    CART_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_METHOD_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    cart_id: str
    amount: float
    currency: str
    payment_method: str
    reason: str
    def __init__(self, order_id: _Optional[str] = ..., cart_id: _Optional[str] = ..., amount: _Optional[float] = ..., currency: _Optional[str] = ..., payment_method: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class StreamEnter(_message.Message):
    __slots__ = ("stream_id", "host_id", "source")
    STREAM_ID_FIELD_NUMBER: _ClassVar[int]
    HOST_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    stream_id: str
    host_id: str
    source: str
    def __init__(self, stream_id: _Optional[str] = ..., host_id: _Optional[str] = ..., source: _Optional[str] = ...) -> None: ...

class SocialStreamEnter(_message.Message):
    __slots__ = ("stream_id", "platform", "host_id")
    STREAM_ID_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    HOST_ID_FIELD_NUMBER: _ClassVar[int]
    stream_id: str
    platform: str
    host_id: str
    def __init__(self, stream_id: _Optional[str] = ..., platform: _Optional[str] = ..., host_id: _Optional[str] = ...) -> None: ...

class SocialStreamAction(_message.Message):
    __slots__ = ("stream_id", "action", "value")
    STREAM_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    stream_id: str
    action: str
    value: str
    def __init__(self, stream_id: _Optional[str] = ..., action: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...

class HostAction(_message.Message):
    __slots__ = ("host_id", "stream_id", "action")
    HOST_ID_FIELD_NUMBER: _ClassVar[int]
    STREAM_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    host_id: str
    stream_id: str
    action: str
    def __init__(self, host_id: _Optional[str] = ..., stream_id: _Optional[str] = ..., action: _Optional[str] = ...) -> None: ...

class AffiliateAction(_message.Message):
    __slots__ = ("affiliate_id", "action", "product_id", "link_id")
    AFFILIATE_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    LINK_ID_FIELD_NUMBER: _ClassVar[int]
    affiliate_id: str
    action: str
    product_id: str
    link_id: str
    def __init__(self, affiliate_id: _Optional[str] = ..., action: _Optional[str] = ..., product_id: _Optional[str] = ..., link_id: _Optional[str] = ...) -> None: ...

class PhoneVerificationInitiate(_message.Message):
    __slots__ = ("country_code", "method")
    COUNTRY_CODE_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    country_code: str
    method: str
    def __init__(self, country_code: _Optional[str] = ..., method: _Optional[str] = ...) -> None: ...

class PhoneNumberEntered(_message.Message):
    __slots__ = ("country_code", "is_valid")
    COUNTRY_CODE_FIELD_NUMBER: _ClassVar[int]
    IS_VALID_FIELD_NUMBER: _ClassVar[int]
    country_code: str
    is_valid: bool
    def __init__(self, country_code: _Optional[str] = ..., is_valid: _Optional[bool] = ...) -> None: ...

class OtpVerified(_message.Message):
    __slots__ = ("method", "attempts", "duration_ms")
    METHOD_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    DURATION_MS_FIELD_NUMBER: _ClassVar[int]
    method: str
    attempts: int
    duration_ms: int
    def __init__(self, method: _Optional[str] = ..., attempts: _Optional[int] = ..., duration_ms: _Optional[int] = ...) -> None: ...

class InitiateReview(_message.Message):
    __slots__ = ("product_id", "order_id")
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    order_id: str
    def __init__(self, product_id: _Optional[str] = ..., order_id: _Optional[str] = ...) -> None: ...

class EnterReviewScreen(_message.Message):
    __slots__ = ("product_id", "source")
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    source: str
    def __init__(self, product_id: _Optional[str] = ..., source: _Optional[str] = ...) -> None: ...

class SubmitReview(_message.Message):
    __slots__ = ("product_id", "order_id", "rating", "has_text", "image_count")
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    RATING_FIELD_NUMBER: _ClassVar[int]
    HAS_TEXT_FIELD_NUMBER: _ClassVar[int]
    IMAGE_COUNT_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    order_id: str
    rating: int
    has_text: bool
    image_count: int
    def __init__(self, product_id: _Optional[str] = ..., order_id: _Optional[str] = ..., rating: _Optional[int] = ..., has_text: _Optional[bool] = ..., image_count: _Optional[int] = ...) -> None: ...

class ViewAllReviews(_message.Message):
    __slots__ = ("product_id", "review_count")
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    REVIEW_COUNT_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    review_count: int
    def __init__(self, product_id: _Optional[str] = ..., review_count: _Optional[int] = ...) -> None: ...

class ExpandReviewImage(_message.Message):
    __slots__ = ("product_id", "review_id", "image_index")
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    REVIEW_ID_FIELD_NUMBER: _ClassVar[int]
    IMAGE_INDEX_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    review_id: str
    image_index: int
    def __init__(self, product_id: _Optional[str] = ..., review_id: _Optional[str] = ..., image_index: _Optional[int] = ...) -> None: ...

class CreateUserAccount(_message.Message):
    __slots__ = ("account_id", "signup_method", "country_code", "referral_code")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    SIGNUP_METHOD_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_CODE_FIELD_NUMBER: _ClassVar[int]
    REFERRAL_CODE_FIELD_NUMBER: _ClassVar[int]
    account_id: str
    signup_method: str
    country_code: str
    referral_code: str
    def __init__(self, account_id: _Optional[str] = ..., signup_method: _Optional[str] = ..., country_code: _Optional[str] = ..., referral_code: _Optional[str] = ...) -> None: ...

class AccountProfileComplete(_message.Message):
    __slots__ = ("account_id", "profile_type", "completion_percent")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    PROFILE_TYPE_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_PERCENT_FIELD_NUMBER: _ClassVar[int]
    account_id: str
    profile_type: str
    completion_percent: int
    def __init__(self, account_id: _Optional[str] = ..., profile_type: _Optional[str] = ..., completion_percent: _Optional[int] = ...) -> None: ...

class BigbossVote(_message.Message):
    __slots__ = ("show_id", "poll_id", "contestant_id", "votes")
    SHOW_ID_FIELD_NUMBER: _ClassVar[int]
    POLL_ID_FIELD_NUMBER: _ClassVar[int]
    CONTESTANT_ID_FIELD_NUMBER: _ClassVar[int]
    VOTES_FIELD_NUMBER: _ClassVar[int]
    show_id: str
    poll_id: str
    contestant_id: str
    votes: int
    def __init__(self, show_id: _Optional[str] = ..., poll_id: _Optional[str] = ..., contestant_id: _Optional[str] = ..., votes: _Optional[int] = ...) -> None: ...

class OrderLog(_message.Message):
    __slots__ = ("platform", "order_id", "customer_id", "status", "amount", "currency", "item_count", "dimensions", "source")
    class DimensionsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    ITEM_COUNT_FIELD_NUMBER: _ClassVar[int]
    DIMENSIONS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    platform: str
    order_id: str
    customer_id: str
    status: str
    amount: float
    currency: str
    item_count: int
    dimensions: _containers.ScalarMap[str, str]
    source: str
    def __init__(self, platform: _Optional[str] = ..., order_id: _Optional[str] = ..., customer_id: _Optional[str] = ..., status: _Optional[str] = ..., amount: _Optional[float] = ..., currency: _Optional[str] = ..., item_count: _Optional[int] = ..., dimensions: _Optional[_Mapping[str, str]] = ..., source: _Optional[str] = ...) -> None: ...

class PostActivityLog(_message.Message):
    __slots__ = ("platform", "post_id", "profile_id", "activity_type", "actor_profile_id", "actor_handle", "text", "source")
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    PROFILE_ID_FIELD_NUMBER: _ClassVar[int]
    ACTIVITY_TYPE_FIELD_NUMBER: _ClassVar[int]
    ACTOR_PROFILE_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_HANDLE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    platform: str
    post_id: str
    profile_id: str
    activity_type: str
    actor_profile_id: str
    actor_handle: str
    text: str
    source: str
    def __init__(self, platform: _Optional[str] = ..., post_id: _Optional[str] = ..., profile_id: _Optional[str] = ..., activity_type: _Optional[str] = ..., actor_profile_id: _Optional[str] = ..., actor_handle: _Optional[str] = ..., text: _Optional[str] = ..., source: _Optional[str] = ...) -> None: ...

class YouTubePlaylistLog(_message.Message):
    __slots__ = ("playlist_id", "channel_id", "title", "description", "item_count", "privacy_status", "thumbnail_url", "publish_time_ms", "source")
    PLAYLIST_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    ITEM_COUNT_FIELD_NUMBER: _ClassVar[int]
    PRIVACY_STATUS_FIELD_NUMBER: _ClassVar[int]
    THUMBNAIL_URL_FIELD_NUMBER: _ClassVar[int]
    PUBLISH_TIME_MS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    playlist_id: str
    channel_id: str
    title: str
    description: str
    item_count: int
    privacy_status: str
    thumbnail_url: str
    publish_time_ms: int
    source: str
    def __init__(self, playlist_id: _Optional[str] = ..., channel_id: _Optional[str] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., item_count: _Optional[int] = ..., privacy_status: _Optional[str] = ..., thumbnail_url: _Optional[str] = ..., publish_time_ms: _Optional[int] = ..., source: _Optional[str] = ...) -> None: ...

class YouTubePlaylistItemLog(_message.Message):
    __slots__ = ("playlist_id", "video_id", "item_id", "position", "video_published_at_ms", "source")
    PLAYLIST_ID_FIELD_NUMBER: _ClassVar[int]
    VIDEO_ID_FIELD_NUMBER: _ClassVar[int]
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    VIDEO_PUBLISHED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    playlist_id: str
    video_id: str
    item_id: str
    position: int
    video_published_at_ms: int
    source: str
    def __init__(self, playlist_id: _Optional[str] = ..., video_id: _Optional[str] = ..., item_id: _Optional[str] = ..., position: _Optional[int] = ..., video_published_at_ms: _Optional[int] = ..., source: _Optional[str] = ...) -> None: ...

class YouTubeVideoCategoryLog(_message.Message):
    __slots__ = ("region", "category_id", "title", "assignable", "source")
    REGION_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    ASSIGNABLE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    region: str
    category_id: str
    title: str
    assignable: bool
    source: str
    def __init__(self, region: _Optional[str] = ..., category_id: _Optional[str] = ..., title: _Optional[str] = ..., assignable: _Optional[bool] = ..., source: _Optional[str] = ...) -> None: ...

class YouTubeChannelSectionLog(_message.Message):
    __slots__ = ("section_id", "channel_id", "section_type", "title", "position", "playlist_ids", "channel_ids", "source")
    SECTION_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    SECTION_TYPE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    PLAYLIST_IDS_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_IDS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    section_id: str
    channel_id: str
    section_type: str
    title: str
    position: int
    playlist_ids: _containers.RepeatedScalarFieldContainer[str]
    channel_ids: _containers.RepeatedScalarFieldContainer[str]
    source: str
    def __init__(self, section_id: _Optional[str] = ..., channel_id: _Optional[str] = ..., section_type: _Optional[str] = ..., title: _Optional[str] = ..., position: _Optional[int] = ..., playlist_ids: _Optional[_Iterable[str]] = ..., channel_ids: _Optional[_Iterable[str]] = ..., source: _Optional[str] = ...) -> None: ...

class Rejection(_message.Message):
    __slots__ = ("index", "event_id", "reason")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    index: int
    event_id: str
    reason: str
    def __init__(self, index: _Optional[int] = ..., event_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class DispatchResponse(_message.Message):
    __slots__ = ("accepted", "rejected")
    ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    REJECTED_FIELD_NUMBER: _ClassVar[int]
    accepted: int
    rejected: _containers.RepeatedCompositeFieldContainer[Rejection]
    def __init__(self, accepted: _Optional[int] = ..., rejected: _Optional[_Iterable[_Union[Rejection, _Mapping]]] = ...) -> None: ...
