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
