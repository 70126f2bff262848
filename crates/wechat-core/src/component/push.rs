//! The verify ticket from WeChat's push (feature `push`): a received
//! `component_verify_ticket` notice handed to [`Component::accept_push`], which stores its
//! ticket as [`Component::set_verify_ticket`] does.

use super::Component;
use crate::push::{Message, PushError};
use crate::store::StoreError;

/// The `InfoType` of WeChat's verify-ticket notice.
const VERIFY_TICKET: &str = "component_verify_ticket";

/// Why a push could not be taken as this platform's verify ticket. Never quotes the ticket.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TicketPushError {
    /// The notice is for another platform: its `AppId` is not this component's appid. The
    /// ticket is not stored (it would make `api_component_token` fail with 61006).
    #[error("the component_verify_ticket push is for component appid {found:?}, not {expected:?}")]
    OtherComponent {
        /// This component's appid.
        expected: String,
        /// The push's `AppId` (at most 64 characters of it).
        found: String,
    },
    /// The notice lacks an element it needs (`AppId`, `ComponentVerifyTicket`).
    #[error("the component_verify_ticket push is unreadable: {0}")]
    Push(PushError),
    /// The ticket could not be written to the store; it is kept in this process, so this
    /// instance's component token still renews.
    #[error("the verify ticket is kept in this process but could not be stored: {0}")]
    Store(StoreError),
}

impl Component {
    /// Takes a push WeChat sent to the platform's authorization-event URL: when it is the
    /// `component_verify_ticket` notice for this component (`InfoType`
    /// `component_verify_ticket`, `AppId` this component's appid), stores its
    /// `ComponentVerifyTicket` as [`set_verify_ticket`](Self::set_verify_ticket) does and
    /// returns `true`. Any other message (an account event, another notice) is left alone:
    /// `false`. A verify-ticket notice for another component appid is refused with
    /// [`TicketPushError::OtherComponent`], one without its ticket with
    /// [`TicketPushError::Push`].
    ///
    /// With the `push-axum` route: `push::axum::route(receiver, move |message| { let platform
    /// = platform.clone(); async move { let _ = platform.accept_push(&message).await; } })`.
    pub async fn accept_push(&self, message: &Message) -> Result<bool, TicketPushError> {
        if message.text("InfoType") != Some(VERIFY_TICKET) {
            return Ok(false);
        }
        let appid = crate::push::field::string(message, "AppId").map_err(TicketPushError::Push)?;
        if appid != self.appid {
            let found: String = appid.chars().take(64).collect();
            tracing::warn!(component_appid = %self.appid, found = %found, "refused a component_verify_ticket pushed for another component");
            return Err(TicketPushError::OtherComponent { expected: self.appid.clone(), found });
        }
        let ticket =
            crate::push::field::string(message, "ComponentVerifyTicket").map_err(TicketPushError::Push)?;
        self.set_verify_ticket(ticket).await.map_err(TicketPushError::Store)?;
        tracing::debug!(component_appid = %self.appid, "stored the component_verify_ticket WeChat pushed");
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::Arc;

    use super::*;
    use crate::Secret;
    use crate::push::Element;
    use crate::store::{MemoryStore, TokenStore, key};

    fn notice(appid: &str, ticket: Option<&str>) -> Message {
        let mut elements = vec![
            Element::text("AppId", appid),
            Element::text("CreateTime", "1413192605"),
            Element::text("InfoType", "component_verify_ticket"),
        ];
        elements.extend(ticket.map(|t| Element::text("ComponentVerifyTicket", t)));
        Message::from_elements(elements)
    }

    #[tokio::test]
    async fn only_this_components_ticket_is_stored() {
        let store: Arc<dyn TokenStore> = Arc::new(MemoryStore::new());
        let component = Component::new("wx_component", Secret::new("secret")).store(Arc::clone(&store));
        let stored = || async { store.get(&key("wx_component", "component_verify_ticket")).await.unwrap() };

        let other = component.accept_push(&notice("wx_other", Some("THEIR-TICKET-1"))).await.unwrap_err();
        assert_eq!(
            other,
            TicketPushError::OtherComponent { expected: "wx_component".into(), found: "wx_other".into() }
        );
        assert!(!format!("{other} {other:?}").contains("THEIR-TICKET-1"));
        let empty = component.accept_push(&notice("wx_component", None)).await.unwrap_err();
        assert_eq!(empty, TicketPushError::Push(PushError::MissingField { name: "ComponentVerifyTicket" }));
        let account_event = Message::from_elements(vec![
            Element::text("MsgType", "event"),
            Element::text("Event", "user_get_card"),
        ]);
        assert_eq!(component.accept_push(&account_event).await, Ok(false));
        assert_eq!(stored().await, None, "nothing stored yet");

        assert_eq!(component.accept_push(&notice("wx_component", Some("OUR-TICKET-2"))).await, Ok(true));
        assert_eq!(stored().await, Some(Secret::new("OUR-TICKET-2")));
    }
}
