//! What the card families' flow tests share: a wechat-mock pushing its events to a typed
//! receiver on 127.0.0.1, and a `wechat_card::Client` pointed at the mock, as an application
//! under test would have them.

#![allow(dead_code)] // each flow test uses what it needs

use std::collections::VecDeque;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use wechat_card::events::Event;
use wechat_core::Secret;
use wechat_core::push::{FromMessage, Message, Receiver};
use wechat_mock::{MockConfig, MockServer, PushTarget, UserActionError, UserActionParams};

const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const TOKEN: &str = "flow-push-token";

/// How long an event the mock pushes may take to arrive: a hang guard, not a speed check.
const PATIENCE: Duration = Duration::from_secs(10);

/// The most events one wait reads before giving up on the one it waits for.
const MAX_EVENTS: usize = 64;

/// A mock, a client of it, and the events it pushed.
pub(crate) struct Wechat {
    pub(crate) mock: MockServer,
    pub(crate) client: wechat_card::Client,
    events: mpsc::UnboundedReceiver<Event>,
    /// Events read while waiting for another, in the order they came.
    seen: VecDeque<Event>,
    receiver: JoinHandle<()>,
}

impl Wechat {
    pub(crate) async fn start() -> Self {
        let (sent, events) = mpsc::unbounded_channel();
        let config = MockConfig::demo();
        let receiver = Receiver::new(TOKEN).aes_key(&Secret::new(KEY), &config.appid).expect("a valid key");
        let route = wechat_core::push::axum::route(receiver, move |message: Message| {
            let sent = sent.clone();
            async move {
                if let Ok(event) = Event::from_message(&message) {
                    let _ = sent.send(event);
                }
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("binds");
        let url = format!("http://{}/wechat", listener.local_addr().expect("an address"));
        let receiver = tokio::spawn(async move {
            let _ = axum::serve(listener, axum::Router::new().route("/wechat", route)).await;
        });
        let target = PushTarget::new(url, &Secret::new(TOKEN))
            .aes_key(&Secret::new(KEY), &config.appid)
            .expect("a valid key");
        let mock = MockServer::start(config.push(target)).await.expect("the mock starts");
        let tokens = wechat_core::StableToken::new(&mock.config().appid, mock.config().secret.clone());
        let core = wechat_core::Client::builder()
            .base_url(mock.base_url())
            .token_provider(tokens)
            .retry_policy(wechat_core::RetryPolicy::none())
            .build()
            .expect("a valid client");
        Self { mock, client: wechat_card::Client::new(core), events, seen: VecDeque::new(), receiver }
    }

    /// Does a user action, which must go through: its answer.
    pub(crate) fn act<P: UserActionParams + std::fmt::Debug>(&self, params: &P) -> serde_json::Value {
        self.mock.act(params).unwrap_or_else(|e| panic!("{params:?}: {e}"))
    }

    /// Does a user action WeChat must refuse: the errcode.
    pub(crate) fn refused<P: UserActionParams + std::fmt::Debug>(&self, params: &P) -> i64 {
        match self.mock.act(params) {
            Err(UserActionError::Refused { errcode, .. }) => errcode,
            other => panic!("{params:?}: expected a refusal, got {other:?}"),
        }
    }

    /// The first pushed event `wanted` picks, waiting for it (events pushed by one call may
    /// arrive in any order; the others are kept for later waits).
    pub(crate) async fn event<T>(&mut self, what: &str, wanted: impl Fn(&Event) -> Option<T>) -> T {
        if let Some(index) = self.seen.iter().position(|e| wanted(e).is_some()) {
            let event = self.seen.remove(index).expect("the index is in the queue");
            return wanted(&event).expect("it matched");
        }
        for _ in 0..MAX_EVENTS {
            let next = tokio::time::timeout(PATIENCE, self.events.recv()).await;
            let event = next
                .unwrap_or_else(|_| panic!("no {what} pushed within {PATIENCE:?}; seen {:?}", self.seen))
                .expect("the receiver runs");
            if let Some(found) = wanted(&event) {
                return found;
            }
            self.seen.push_back(event);
        }
        panic!("no {what} among {MAX_EVENTS} events: {:?}", self.seen)
    }

    pub(crate) async fn stop(self) {
        self.mock.shutdown().await.expect("the mock stops");
        self.receiver.abort();
    }
}

/// A card of `card_type` (`GROUPON`, `MEMBER_CARD`, `GIFT`, the special tickets
/// `BOARDING_PASS`, `MEETING_TICKET`, `MOVIE_TICKET`) as `/card/create` takes it, valid 30
/// days from when it is taken, with `quantity` in stock; `extra` goes into `base_info`, and a
/// member card's own fields into the member card.
pub(crate) fn card(
    card_type: &str,
    quantity: i64,
    extra: serde_json::Value,
) -> wechat_card::card::CreateCardRequest {
    let mut base_info = serde_json::json!({
        "logo_url": "http://mmbiz.qpic.cn/mmbiz/logo/0", "brand_name": "微信餐厅", "code_type": "CODE_TYPE_QRCODE",
        "title": "测试卡券", "color": "Color010", "notice": "出示此券", "description": "不可与其他优惠同享",
        "date_info": {"type": "DATE_TYPE_FIX_TERM", "fixed_term": 30, "fixed_begin_term": 0},
        "sku": {"quantity": quantity}, "can_give_friend": true});
    if let (Some(base_info), serde_json::Value::Object(extra)) = (base_info.as_object_mut(), extra) {
        base_info.extend(extra);
    }
    let card = match card_type {
        "MEMBER_CARD" => serde_json::json!({"card_type": "MEMBER_CARD", "member_card": {
            "base_info": base_info, "prerogative": "会员享九折", "supply_bonus": true, "supply_balance": true}}),
        "GIFT" => {
            serde_json::json!({"card_type": "GIFT", "gift": {"base_info": base_info, "gift": "一杯咖啡"}})
        }
        "BOARDING_PASS" => serde_json::json!({"card_type": "BOARDING_PASS", "boarding_pass": {
            "base_info": base_info, "from": "广州", "to": "北京", "flight": "CE123", "air_model": "空客A320",
            "departure_time": "1434507901", "landing_time": "1434518701"}}),
        "MEETING_TICKET" => serde_json::json!({"card_type": "MEETING_TICKET", "meeting_ticket": {
            "base_info": base_info, "meeting_detail": "2015年年会"}}),
        "MOVIE_TICKET" => serde_json::json!({"card_type": "MOVIE_TICKET", "movie_ticket": {
            "base_info": base_info, "detail": "电影名：xxx，电影简介：xxx"}}),
        _ => {
            serde_json::json!({"card_type": "GROUPON", "groupon": {"base_info": base_info, "deal_detail": "双人套餐"}})
        }
    };
    serde_json::from_value(serde_json::json!({ "card": card })).expect("a card the client can send")
}
