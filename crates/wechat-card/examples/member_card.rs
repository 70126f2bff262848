//! The card family end to end, against a local wechat-mock: no credentials needed.
//!
//! ```text
//! cargo run -p wechat-card --example member_card
//! ```
//!
//! It uploads a logo, creates a member card with it, has WeChat's review approve the card and a
//! user take it (the mock's user actions, `card/approve_card` and `card/take_card`, stand in for
//! both), activates the membership, adds points and reads the member back; then creates a cash
//! coupon, gives one to the user, redeems its code, and shows the second redemption refused
//! with its typed error.

#![allow(clippy::print_stdout)]

use wechat_card::card::types::{
    BaseInfo, Card, Cash, CodeType, CustomField, DateInfo, DateType, MemberCard, Sku,
};
use wechat_card::card::{CreateCardRequest, UploadImageRequest};
use wechat_card::card_code::{ConsumeCodeErrorCode, ConsumeCodeRequest};
use wechat_card::member_card::{ActivateMemberCardRequest, GetMemberInfoRequest, UpdateMemberRequest};
use wechat_card::wechat_core::{self, StableToken, UploadFile};
use wechat_card::{Client, ErrorCode};
use wechat_mock::user_actions::card::{ApproveCardParams, TakeCardParams};
use wechat_mock::{MockConfig, MockError, MockServer, UserActionError};

/// What stops the walkthrough: one variant per source of failure, each converted by `?`.
/// The WeChat calls of four groups all fail with the one `wechat_card::Error`.
#[derive(Debug)]
enum Failure {
    /// A WeChat call failed.
    WeChat(wechat_card::Error),
    /// The client's configuration cannot work.
    Setup(wechat_core::BuildError),
    /// The in-process mock could not start or stop.
    Mock(MockError),
    /// The mock's stand-in for WeChat's review or for the user refused.
    User(UserActionError),
    /// A call succeeded where WeChat must refuse it.
    Unexpected(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::WeChat(e) => write!(f, "WeChat call failed: {e}"),
            Self::Setup(e) => write!(f, "client set-up: {e}"),
            Self::Mock(e) => write!(f, "wechat-mock: {e}"),
            Self::User(e) => write!(f, "wechat-mock's user action: {e}"),
            Self::Unexpected(what) => f.write_str(what),
        }
    }
}

impl std::error::Error for Failure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::WeChat(e) => Some(e),
            Self::Setup(e) => Some(e),
            Self::Mock(e) => Some(e),
            Self::User(e) => Some(e),
            Self::Unexpected(_) => None,
        }
    }
}

impl From<wechat_card::Error> for Failure {
    fn from(e: wechat_card::Error) -> Self {
        Self::WeChat(e)
    }
}

/// Each operation's own error, so `?` works on a call directly: it goes through the
/// crate-wide `wechat_card::Error`, which every operation's error converts into.
impl<C> From<wechat_core::Error<C>> for Failure
where
    C: ErrorCode,
    wechat_card::Error: From<wechat_core::Error<C>>,
{
    fn from(e: wechat_core::Error<C>) -> Self {
        Self::WeChat(e.into())
    }
}

impl From<wechat_core::BuildError> for Failure {
    fn from(e: wechat_core::BuildError) -> Self {
        Self::Setup(e)
    }
}

impl From<MockError> for Failure {
    fn from(e: MockError) -> Self {
        Self::Mock(e)
    }
}

impl From<UserActionError> for Failure {
    fn from(e: UserActionError) -> Self {
        Self::User(e)
    }
}

/// The user of the walkthrough, as WeChat names users to an account.
const USER: &str = "oFS7Fjl0WsZ9AMZqrI80nbIq8xrA";

/// The user takes the card in WeChat's app: the code they hold.
fn take(mock: &MockServer, card_id: &str, openid: &str) -> Result<String, Failure> {
    let params = TakeCardParams::builder().card_id(card_id).openid(openid).build()?;
    let taken = mock.act(&params)?;
    taken["code"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| Failure::Unexpected(format!("take_card answered no code: {taken}")))
}

/// A PNG's signature and a little more: the mock, like WeChat, judges an image by its bytes.
fn logo() -> UploadFile {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend_from_slice(b"a small logo");
    UploadFile::new("logo.png", bytes)
}

fn base_info(
    logo_url: &str,
    title: &str,
    date: DateInfo,
    stock: i64,
) -> Result<BaseInfo, wechat_core::BuildError> {
    BaseInfo::builder()
        .logo_url(logo_url)
        .brand_name("微信餐厅")
        .code_type(CodeType::QrCode)
        .title(title)
        .color("Color010")
        .notice("出示二维码")
        .description("不可与其他优惠同享")
        .date_info(date)
        .sku(Sku::new(stock))
        .build()
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Failure> {
    let mock = MockServer::start(MockConfig::demo()).await?;
    let core = wechat_core::Client::builder()
        .base_url(mock.base_url())
        .token_provider(StableToken::new(&mock.config().appid, mock.config().secret.clone()))
        .build()?;
    let client = Client::new(core);
    println!("wechat-mock at {}", mock.base_url());

    // 1. The logo every card shows must be an image WeChat hosts.
    let logo_url = client.card().upload_image(&UploadImageRequest::new(logo())).await?.url;
    println!("logo uploaded: {logo_url}");

    // 2. A member card: points on, stored value off, the level shown as a member field.
    let mut member = MemberCard::builder()
        .base_info(base_info(&logo_url, "会员卡", DateInfo::new(DateType::Permanent), 1000)?)
        .prerogative("会员享九折")
        .supply_bonus(true)
        .supply_balance(false)
        .build()?;
    member.custom_field1 = Some(CustomField::new().name_type("FIELD_NAME_TYPE_LEVEL"));
    let member_card_id =
        client.card().create_card(&CreateCardRequest::new(Card::MemberCard(member))).await?.card_id;
    println!("member card created: {member_card_id} (waiting for review)");

    // 3. WeChat reviews it; the mock's user action `card/approve_card` approves it.
    mock.act(&ApproveCardParams::new(&member_card_id))?;
    println!("member card approved");

    // 4. A user takes it (in WeChat's app; the mock's `card/take_card` stands in) and gets a
    // code.
    let member_code = take(&mock, &member_card_id, USER)?;
    println!("user {USER} took it, code {member_code}");

    // 5. The merchant activates the membership and adds points.
    client
        .member_card()
        .activate_member_card(
            &ActivateMemberCardRequest::builder()
                .membership_number("M-0001")
                .code(&member_code)
                .card_id(&member_card_id)
                .build()?,
        )
        .await?;
    let points = client
        .member_card()
        .update_member(
            &UpdateMemberRequest::builder()
                .code(&member_code)
                .card_id(&member_card_id)
                .add_bonus(100)
                .build()?,
        )
        .await?;
    println!("activated; points now {}", points.result_bonus.unwrap_or_default());
    let member = client
        .member_card()
        .get_member_info(
            &GetMemberInfoRequest::builder().card_id(&member_card_id).code(&member_code).build()?,
        )
        .await?;
    println!(
        "member {} of {}: {} points",
        member.membership_number.as_deref().unwrap_or("?"),
        member.openid,
        member.bonus.unwrap_or_default()
    );

    // 6. A cash coupon: 10 yuan off from 100, valid 30 days after it is taken.
    let mut thirty_days = DateInfo::new(DateType::FixedTerm);
    thirty_days.fixed_term = Some(30);
    thirty_days.fixed_begin_term = Some(0);
    let coupon = Cash::builder()
        .base_info(base_info(&logo_url, "满百减十", thirty_days, 50)?)
        .least_cost(10_000)
        .reduce_cost(1_000)
        .build()?;
    let coupon_id = client.card().create_card(&CreateCardRequest::new(Card::Cash(coupon))).await?.card_id;
    mock.act(&ApproveCardParams::new(&coupon_id))?;
    let coupon_code = take(&mock, &coupon_id, USER)?;
    println!("coupon {coupon_id} given out, code {coupon_code}");

    // 7. The cashier redeems the code once...
    let redeemed = client.card_code().consume_code(&ConsumeCodeRequest::new(&coupon_code)).await?;
    println!("redeemed for {}", redeemed.openid);

    // ... and a second time, which WeChat refuses with a code the SDK names.
    match client.card_code().consume_code(&ConsumeCodeRequest::new(&coupon_code)).await {
        Err(e) => match e.api_code() {
            Some(code @ ConsumeCodeErrorCode::CodeAlreadyConsumed) => {
                println!("second redemption refused: {} ({})", code.message(), code.code());
            }
            _ => return Err(e.into()),
        },
        Ok(redeemed) => {
            return Err(Failure::Unexpected(format!("a second redemption went through: {redeemed:?}")));
        }
    }
    mock.shutdown().await?;
    Ok(())
}
