//! The event messages the mock pushes, with the elements WeChat's own carry (see
//! docs/research/events.md): built from plain values, so this module depends on no state.

use wechat_core::push::{Element, Message};

/// The account's original id (`gh_…`) that `ToUserName` names: derived from the appid, so
/// that one mock account always pushes as the same one.
pub(crate) fn original_id(appid: &str) -> String {
    let tail: String = appid.chars().rev().take(12).collect::<Vec<_>>().into_iter().rev().collect();
    format!("gh_{tail}")
}

/// The header every account event starts with.
fn header(to_user: &str, from_user: &str, create_time: i64, event: &str) -> Vec<Element> {
    vec![
        Element::text("ToUserName", to_user),
        Element::text("FromUserName", from_user),
        Element::text("CreateTime", create_time.to_string()),
        Element::text("MsgType", "event"),
        Element::text("Event", event),
    ]
}

/// An event a declared step built: the header, then its elements in the spec's order.
pub(crate) fn declared(
    to_user: &str,
    from_user: &str,
    now: i64,
    event: &str,
    elements: &[(&str, String)],
) -> Message {
    let mut all = header(to_user, from_user, now, event);
    all.extend(elements.iter().map(|(name, value)| Element::text(*name, value.as_str())));
    Message::from_elements(all)
}

/// `card_pass_check`: WeChat's review approved the card. The sender is WeChat itself, which
/// the mock names with the account's own id.
pub(crate) fn card_pass_check(to_user: &str, card_id: &str, now: i64) -> Message {
    let mut elements = header(to_user, to_user, now, "card_pass_check");
    elements.extend([Element::text("CardId", card_id), Element::text("RefuseReason", "")]);
    Message::from_elements(elements)
}

/// A user's code of a card, as the card events name it.
pub(crate) struct HeldCode<'a> {
    /// The card.
    pub(crate) card_id: &'a str,
    /// The code.
    pub(crate) code: &'a str,
    /// Its holder.
    pub(crate) openid: &'a str,
}

/// `user_get_card`: a user took the card (not as a gift, not restored).
pub(crate) fn user_get_card(to_user: &str, held: &HeldCode<'_>, now: i64) -> Message {
    let mut elements = header(to_user, held.openid, now, "user_get_card");
    elements.extend([
        Element::text("CardId", held.card_id),
        Element::text("IsGiveByFriend", "0"),
        Element::text("UserCardCode", held.code),
        Element::text("FriendUserName", ""),
        Element::text("OuterId", "0"),
        Element::text("OldUserCardCode", ""),
        Element::text("OuterStr", ""),
        Element::text("IsRestoreMemberCard", "0"),
        Element::text("IsRecommendByFriend", "0"),
    ]);
    Message::from_elements(elements)
}

/// `user_consume_card`: the code was redeemed through the API (`/card/code/consume`).
pub(crate) fn user_consume_card(to_user: &str, held: &HeldCode<'_>, now: i64) -> Message {
    let mut elements = header(to_user, held.openid, now, "user_consume_card");
    elements.extend([
        Element::text("CardId", held.card_id),
        Element::text("UserCardCode", held.code),
        Element::text("ConsumeSource", "FROM_API"),
        Element::text("LocationName", ""),
        Element::text("StaffOpenId", ""),
        Element::text("VerifyCode", ""),
        Element::text("RemarkAmount", ""),
        Element::text("OuterStr", ""),
    ]);
    Message::from_elements(elements)
}

/// `component_verify_ticket`: WeChat's notice to a third-party platform (every 10 minutes)
/// with its fresh verify ticket. Platform notices have no user: `AppId` names the platform.
pub(crate) fn component_verify_ticket(component_appid: &str, ticket: &str, now: i64) -> Message {
    Message::from_elements(vec![
        Element::text("AppId", component_appid),
        Element::text("CreateTime", now.to_string()),
        Element::text("InfoType", "component_verify_ticket"),
        Element::text("ComponentVerifyTicket", ticket),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_original_id_is_stable_and_shaped_like_wechats() {
        assert_eq!(original_id("wx6d6f636b64656d6f"), "gh_636b64656d6f");
        assert_eq!(original_id("wx1"), "gh_wx1");
    }
}
